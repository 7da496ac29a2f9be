#!/usr/bin/python3
"""xlsx_check.py — read a workbook written by `supportkpi xlsx` with openpyxl (a real
reader, not our writer) for tests/e2e/xlsx*.sh.  Run with Debian's /usr/bin/python3, which
sees python3-openpyxl.

    xlsx_check.py sheets FILE                   the sheet names, one a line
    xlsx_check.py dump FILE [SHEET]             every non-empty cell: SHEET!REF TYPE VALUE
    xlsx_check.py compare FILE SHEET CSV [FIRST]
        the table of SHEET (header in row 3, rows below it up to the first empty row)
        against CSV, as written by `supportkpi kpi --format csv`: same column names (the
        CSV's first column, "group", is called FIRST on the sheet), same rows in the same
        order, numbers as number cells within 1e-9, empty CSV fields as empty cells, text
        as text (the CSV's formula guard, a ' before = + - @, taken off).  SHEET@TEXT:
        the table whose header is the row under the cell of column A holding TEXT
    xlsx_check.py compare-keyed FILE SHEET CSV [FIRST]
        the same, but each CSV row against the sheet's row with the same first cell (the
        sheet may have more rows: Trend shows months without data too)
    xlsx_check.py summary FILE NOW_CSV PREV_CSV
        the Summary sheet: one row per KPI column of NOW_CSV (a one-row `kpi` CSV),
        "this period" and "previous period" equal to NOW_CSV and PREV_CSV, "change" their
        difference, numbers as number cells
    xlsx_check.py expect FILE SHEET KEY COLUMN WANT
        the cell in column COLUMN (a header name) of the row whose first cell is KEY (or,
        for a KEY "NAME:VALUE" where NAME is a column, whose cell in NAME is VALUE): WANT
        a number means a number cell within 1e-9, '' an empty cell, anything else a string
        cell with exactly that text (Summary: the header is the row starting "metric")
    xlsx_check.py batch < LINES
        many checks in one process: lines NAME TAB CHECK TAB ARG... (CHECK: expect,
        compare, compare-keyed, summary, strings, noformulas); prints "ok TAB NAME" or
        "not ok TAB NAME TAB WHY" for each
    xlsx_check.py strings FILE TEXT...          each TEXT is in some cell, as a string cell
    xlsx_check.py noformulas FILE               no cell of any sheet holds a formula (read
                                                both with openpyxl and from the XML)
    xlsx_check.py cf FILE SHEET                 its conditional formats: RANGE TYPE OPERATOR VALUE
    xlsx_check.py media FILE                    the embedded images: NAME WIDTHxHEIGHT
    xlsx_check.py props FILE                    the document properties created, modified

Exit status 0 when the check holds, 1 with the reasons on stdout when it does not, 2 on
bad usage.
"""
import csv
import math
import re
import struct
import sys
import zipfile

import openpyxl

HEADER_ROW = 3      # tables: heading in row 1, a note in row 2, the header in row 3
EPS = 1e-9


def load(path):
    return openpyxl.load_workbook(path)


def table(ws, header_row=HEADER_ROW):
    """(header, rows) of the table whose header is in header_row."""
    header = []
    for cell in ws[header_row]:
        if cell.value is None:
            break
        header.append(cell)
    rows = []
    r = header_row + 1
    while r <= ws.max_row:
        cells = [ws.cell(row=r, column=c.column) for c in header]
        if all(c.value is None for c in cells):
            break
        rows.append(cells)
        r += 1
    return [c.value for c in header], rows


def unguard(text):
    if len(text) >= 2 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def is_number_text(text):
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) is not None


def same(cell, field, where, errors, numeric):
    """Compare one cell with one CSV field; numeric says the column holds numbers."""
    v = cell.value
    if field == "":
        if v is not None:
            errors.append("%s: %r, want an empty cell" % (where, v))
        return
    if numeric:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or cell.data_type != "n":
            errors.append("%s: %r (type %s), want the number %s" % (where, v, cell.data_type, field))
            return
        want = float(field)
        if not math.isfinite(v) or abs(v - want) > EPS * max(1.0, abs(want)):
            errors.append("%s: %r, want %s" % (where, v, field))
        return
    want = unguard(field)
    if cell.data_type != "s" or v != want:
        errors.append("%s: %r (type %s), want the text %r" % (where, v, cell.data_type, want))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise SystemExit("%s: empty CSV" % path)
    return rows[0], rows[1:]


def numeric_columns(header, rows):
    """A column is numeric when every non-empty field of it reads as a number; the group
    and the dimension columns are text whatever they hold."""
    out = []
    for i, name in enumerate(header):
        vals = [r[i] for r in rows if r[i] != ""]
        out.append(name not in ("group", "agent", "team", "channel", "category", "priority",
                                "month", "week", "day")
                   and all(is_number_text(x) for x in vals))
    return out


def cmd_compare(path, sheet, csv_path, first=None, keyed=False):
    wb = load(path)
    marker = None
    if "@" in sheet:
        sheet, marker = sheet.split("@", 1)
    if sheet not in wb.sheetnames:
        print("no sheet %r in %s" % (sheet, wb.sheetnames))
        return 1
    ws = wb[sheet]
    header_row = HEADER_ROW
    if marker is not None:
        hits = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == marker]
        if len(hits) != 1:
            print("%s: %d cells in column A hold %r, want 1" % (sheet, len(hits), marker))
            return 1
        header_row = hits[0] + 1
    header, rows = table(ws, header_row)
    cheader, crows = read_csv(csv_path)
    errors = []
    want_header = [first if (i == 0 and first) else h for i, h in enumerate(cheader)]
    if header != want_header:
        errors.append("header %r, want %r" % (header, want_header))
    if keyed:
        by_key = {}
        for cells in rows:
            by_key.setdefault(cells[0].value, []).append(cells)
        picked = []
        for fields in crows:
            hits = by_key.get(unguard(fields[0]), [])
            if len(hits) != 1:
                errors.append("%d rows of %s start with %r, want 1" % (len(hits), sheet, fields[0]))
                hits = [[]]
            picked.append(hits[0])
        rows = picked
    elif len(rows) != len(crows):
        errors.append("%d rows, want %d" % (len(rows), len(crows)))
    numeric = numeric_columns(cheader, crows)
    for r, (cells, fields) in enumerate(zip(rows, crows)):
        for c, (cell, field) in enumerate(zip(cells, fields)):
            same(cell, field, "%s!%s (%s)" % (sheet, cell.coordinate, cheader[c]), errors, numeric[c])
    for e in errors[:40]:
        print(e)
    return 1 if errors else 0


def cmd_summary(path, now_csv, prev_csv):
    wb = load(path)
    ws = wb["Summary"]
    header_row = None
    for r in range(1, 12):
        if ws.cell(row=r, column=1).value == "metric":
            header_row = r
            break
    if header_row is None:
        print("Summary: no header row starting with 'metric'")
        return 1
    head = [c.value for c in ws[header_row]][:7]
    errors = []
    if head != ["metric", "meaning", "this period", "previous period", "change", "target", "vs target"]:
        errors.append("Summary header %r" % head)
    nh, nrows = read_csv(now_csv)
    ph, prows = read_csv(prev_csv)
    if len(nrows) != 1 or len(prows) != 1:
        errors.append("the kpi CSVs must have one row each")
        print("\n".join(errors))
        return 1
    now = dict(zip(nh, nrows[0]))
    prev = dict(zip(ph, prows[0]))
    metrics = [h for h in nh if h != "group"]
    for i, m in enumerate(metrics):
        r = header_row + 1 + i
        name = ws.cell(row=r, column=1).value
        if name != m:
            errors.append("Summary!A%d: %r, want %r" % (r, name, m))
            continue
        same(ws.cell(row=r, column=3), now[m], "Summary!C%d (%s this period)" % (r, m), errors, True)
        same(ws.cell(row=r, column=4), prev[m], "Summary!D%d (%s previous)" % (r, m), errors, True)
        change = ws.cell(row=r, column=5)
        if now[m] != "" and prev[m] != "":
            same(change, repr(float(now[m]) - float(prev[m])), "Summary!E%d (%s change)" % (r, m),
                 errors, True)
        elif change.value is not None:
            errors.append("Summary!E%d: %r, want empty (a figure is missing)" % (r, change.value))
    for e in errors[:40]:
        print(e)
    return 1 if errors else 0


def header_row_of(ws):
    if ws.title == "Summary":
        for r in range(1, 12):
            if ws.cell(row=r, column=1).value == "metric":
                return r
    return HEADER_ROW


def expect_errors(wb, sheet, key, column, want):
    """What is wrong with the cell of `expect` (an empty list when it is right)."""
    if sheet not in wb.sheetnames:
        return ["no sheet %r" % sheet]
    ws = wb[sheet]
    header, rows = table(ws, header_row_of(ws))
    if column not in header:
        return ["%s: no column %r in %r" % (sheet, column, header)]
    kcol = 0
    if ":" in key and key.split(":", 1)[0] in header:
        kcol = header.index(key.split(":", 1)[0])
        key = key.split(":", 1)[1]
    hits = [cells for cells in rows if cells[kcol].value == key]
    if len(hits) != 1:
        return ["%s: %d rows start with %r, want 1" % (sheet, len(hits), key)]
    cell = hits[0][header.index(column)]
    errors = []
    same(cell, want, "%s!%s (%s, %s)" % (sheet, cell.coordinate, key, column), errors,
         want != "" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?", want) is not None)
    return errors


def cmd_expect(path, sheet, key, column, want):
    errors = expect_errors(load(path), sheet, key, column, want)
    for e in errors:
        print(e)
    return 1 if errors else 0


def cmd_batch():
    """Lines NAME TAB CHECK TAB ARG... on standard input, CHECK being any check of this
    script (expect, compare, compare-keyed, summary, strings, noformulas); for each line,
    "ok TAB NAME" or "not ok TAB NAME TAB WHY" on standard output.  One process for every
    check keeps the tests fast (starting Python and openpyxl is the slow part)."""
    import contextlib
    import io
    for line in sys.stdin.read().splitlines():
        if not line:
            continue
        f = line.split("\t")
        name, argv = f[0], ["xlsx_check.py"] + f[1:]
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                code = main(argv) if len(argv) >= 3 and argv[1] != "batch" else 2
        except Exception as e:  # one broken check fails that check only
            code = 1
            out.write("%s: %s" % (type(e).__name__, e))
        if code == 0:
            print("ok\t%s" % name)
        else:
            why = " | ".join(out.getvalue().strip().splitlines()[:6]) or "exit %d" % code
            print("not ok\t%s\t%s" % (name, why))
    return 0


def cmd_strings(path, texts):
    wb = load(path)
    found = {t: [] for t in texts}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value in found:
                    found[c.value].append(c)
    bad = 0
    for t, cells in found.items():
        if not cells:
            print("%r is in no cell" % t)
            bad = 1
        for c in cells:
            if c.data_type != "s" or not isinstance(c.value, str):
                print("%s!%s holds %r as type %s, want a string" % (c.parent.title, c.coordinate,
                                                                    c.value, c.data_type))
                bad = 1
    return bad


def cmd_noformulas(path):
    bad = 0
    wb = load(path)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (isinstance(c.value, str) and c.data_type != "s"):
                    print("%s!%s: a formula or non-string text: %r" % (ws.title, c.coordinate, c.value))
                    bad = 1
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                if re.search(r"<f[ >]", xml):
                    print("%s holds a <f> (formula) element" % name)
                    bad = 1
    return bad


def cmd_cf(path, sheet):
    ws = load(path)[sheet]
    lines = []
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            lines.append("%s %s %s %s" % (rng.sqref, rule.type, rule.operator, ",".join(rule.formula or [])))
    if lines:
        print("\n".join(sorted(lines)))
    return 0


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def cmd_media(path):
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.startswith("xl/media/"):
                size = png_size(z.read(name))
                print("%s %s" % (name, "%dx%d" % size if size else "not-a-png"))
    return 0


def cmd_props(path):
    wb = load(path)
    p = wb.properties
    print("created %s" % p.created.isoformat())
    print("modified %s" % p.modified.isoformat())
    print("title %s" % p.title)
    return 0


def cmd_dump(path, sheet=None):
    wb = load(path)
    for ws in wb:
        if sheet and ws.title != sheet:
            continue
        print("== %s (freeze %s, filter %s)" % (ws.title, ws.freeze_panes, ws.auto_filter.ref))
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    print("%s!%s %s %r %s" % (ws.title, c.coordinate, c.data_type, c.value, c.number_format))
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "batch":
        return cmd_batch()
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    cmd, path, rest = argv[1], argv[2], argv[3:]
    if cmd == "sheets":
        print("\n".join(load(path).sheetnames))
        return 0
    if cmd == "dump":
        return cmd_dump(path, *rest[:1])
    if cmd == "compare" and len(rest) in (2, 3):
        return cmd_compare(path, *rest)
    if cmd == "compare-keyed" and len(rest) in (2, 3):
        return cmd_compare(path, *rest, keyed=True) if len(rest) == 3 else cmd_compare(path, *rest, None, True)
    if cmd == "summary" and len(rest) == 2:
        return cmd_summary(path, *rest)
    if cmd == "expect" and len(rest) == 4:
        return cmd_expect(path, *rest)
    if cmd == "strings" and rest:
        return cmd_strings(path, rest)
    if cmd == "noformulas":
        return cmd_noformulas(path)
    if cmd == "cf" and len(rest) == 1:
        return cmd_cf(path, rest[0])
    if cmd == "media":
        return cmd_media(path)
    if cmd == "props":
        return cmd_props(path)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
