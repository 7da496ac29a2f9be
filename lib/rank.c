/* rank — agent and team rankings (see rank.h and docs/ranking.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/kpi.h"
#include "supportkpi/rank.h"
#include "supportkpi/store.h"

static const char *const comp_names[RANK__NCOMP] = {
	"satisfaction", "resolution", "frt", "sla", "reopen"
};

const char *rank_comp_name(rank_comp c)
{
	return (unsigned)c < RANK__NCOMP ? comp_names[c] : "?";
}

void rank_settings_default(rank_settings *s)
{
	memset(s, 0, sizeof *s);
	s->weight[RANK_SATISFACTION] = 0.35;
	s->weight[RANK_RESOLUTION] = 0.20;
	s->weight[RANK_FRT] = 0.15;
	s->weight[RANK_SLA] = 0.20;
	s->weight[RANK_REOPEN] = 0.10;
	s->floor[RANK_SATISFACTION] = 50;   s->target[RANK_SATISFACTION] = 95;
	s->floor[RANK_RESOLUTION] = 50;     s->target[RANK_RESOLUTION] = 95;
	s->floor[RANK_FRT] = 480;           s->target[RANK_FRT] = 30;
	s->floor[RANK_SLA] = 50;            s->target[RANK_SLA] = 98;
	s->floor[RANK_REOPEN] = 20;         s->target[RANK_REOPEN] = 2;
	s->min_tickets = 20;
	s->min_surveys = 10;
	s->correction = RANK_SHRINKAGE;
	s->wilson_z = 1.96;
	s->prior_surveys = 20;
	s->prior_tickets = 20;
	s->assessment_weight = 0;
	s->self_weight = 0;
	s->grade_excellent = 90;
	s->grade_good = 80;
	s->grade_pass = 60;
}

/* --- pure scoring ------------------------------------------------------------------ */

double rank_wilson_lower(double k, double n, double z)
{
	double p, z2, centre, spread;

	if (!(n > 0))
		return 0;
	p = k / n;
	z2 = z * z;
	centre = p + z2 / (2 * n);
	spread = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	p = (centre - spread) / (1 + z2 / n);
	return p < 0 ? 0 : p;   /* -0.0 and rounding noise at k = 0 */
}

double rank_shrink(double n, double x, double m, double c)
{
	if (!(n + m > 0))
		return c;
	if (!(n > 0))
		return c;   /* no data: the prior alone (x may be NAN) */
	return (n * x + m * c) / (n + m);
}

double rank_points(double x, double floor, double target)
{
	double p;

	if (floor == target || isnan(x))
		return 0;
	p = 100 * (x - floor) / (target - floor);
	if (p < 0)
		return 0;
	if (p > 100)
		return 100;
	return p;
}

double rank_round1(double score)
{
	/* half away from zero (round()); the 1e-9 tenth absorbs the binary noise of sums
	 * that are exact halves in decimal (0.35 x 80.15 + ... = 80.05 may come out as
	 * 80.04999999999), so that the rounding is the one done by hand */
	double t = score * 10;

	return round(t + (t < 0 ? -1e-9 : 1e-9)) / 10;
}

const char *rank_grade(const rank_settings *s, double score)
{
	if (score >= s->grade_excellent)
		return "excellent";
	if (score >= s->grade_good)
		return "good";
	if (score >= s->grade_pass)
		return "pass";
	return "needs improvement";
}

static double pct(int64_t k, int64_t n)
{
	return n > 0 ? 100.0 * (double)k / (double)n : NAN;
}

/* the corrected value of a rate in % where higher is better: k good of n */
static void rate_part(const rank_settings *s, rank_part *p, int64_t k, int64_t n,
		      int64_t ck, int64_t cn, double m)
{
	p->n = (double)n;
	p->raw = pct(k, n);
	p->centre = pct(ck, cn);
	p->m = m;
	if (s->correction == RANK_WILSON)
		p->corrected = 100 * rank_wilson_lower((double)k, (double)n, s->wilson_z);
	else
		p->corrected = rank_shrink(p->n, p->raw, m, p->centre);
}

void rank_score(const rank_settings *s, const rank_counts *centre, int assessments_on,
		const char *period_label, rank_entry *e)
{
	const rank_counts *c = &e->c;
	int few_t = c->tickets < s->min_tickets, few_s = c->surveys < s->min_surveys;

	e->eligible = 1;
	e->reason[0] = '\0';
	e->rank = 0;
	e->flags = 0;
	if (few_t && few_s) {
		snprintf(e->reason, sizeof e->reason, "%lld ticket%s and %lld survey%s, below the "
			 "minimums of %ld tickets and %ld surveys", (long long)c->tickets,
			 c->tickets == 1 ? "" : "s", (long long)c->surveys, c->surveys == 1 ? "" : "s",
			 s->min_tickets, s->min_surveys);
	} else if (few_t) {
		snprintf(e->reason, sizeof e->reason, "%lld ticket%s, below the minimum of %ld",
			 (long long)c->tickets, c->tickets == 1 ? "" : "s", s->min_tickets);
	} else if (few_s) {
		snprintf(e->reason, sizeof e->reason, "%lld survey%s, below the minimum of %ld",
			 (long long)c->surveys, c->surveys == 1 ? "" : "s", s->min_surveys);
	}
	if (e->reason[0])
		e->eligible = 0;

	e->kpi_score = 0;
	for (int i = 0; i < RANK__NCOMP; i++) {
		rank_part *p = &e->part[i];

		memset(p, 0, sizeof *p);
		p->used = s->weight[i] > 0;
		switch ((rank_comp)i) {
		case RANK_SATISFACTION:
			rate_part(s, p, c->positive, c->surveys, centre->positive, centre->surveys,
				  s->prior_surveys);
			break;
		case RANK_RESOLUTION:
			rate_part(s, p, c->resolved, c->tickets, centre->resolved, centre->tickets,
				  s->prior_tickets);
			break;
		case RANK_SLA:
			rate_part(s, p, c->sla_met, c->sla_counted, centre->sla_met,
				  centre->sla_counted, s->prior_tickets);
			break;
		case RANK_REOPEN:
			/* a rate where lower is better: the correction works on the share of
			 * resolved tickets NOT reopened, and the result is turned back; resolved
			 * tickets without reopen data are no sample (the prior alone) */
			rate_part(s, p, c->has_reopen ? c->resolved - c->reopened : 0,
				  c->has_reopen ? c->resolved : 0,
				  centre->resolved - centre->reopened, centre->resolved, s->prior_tickets);
			p->raw = 100 - p->raw;
			p->centre = 100 - p->centre;
			p->corrected = 100 - p->corrected;
			break;
		case RANK_FRT:
			/* a median, not a rate: always shrinkage, n = the tickets */
			p->n = c->has_frt ? (double)c->tickets : 0;
			p->raw = c->has_frt ? c->frt_median_min : NAN;
			p->centre = centre->has_frt ? centre->frt_median_min : NAN;
			p->m = s->prior_tickets;
			p->corrected = rank_shrink(p->n, p->raw, p->m, p->centre);
			break;
		case RANK__NCOMP:
			break;
		}
		p->points = rank_points(p->corrected, s->floor[i], s->target[i]);
		p->weighted = p->used ? s->weight[i] * p->points : 0;
		e->kpi_score += p->weighted;
	}

	e->assessment = NAN;
	e->has_assessment = e->manager_n > 0;
	if (assessments_on) {
		if (!e->has_assessment) {
			if (e->eligible) {
				snprintf(e->reason, sizeof e->reason, "no manager assessment for %s",
					 period_label ? period_label : "the period");
				e->eligible = 0;
			}
		} else if (s->self_weight > 0 && !isnan(e->self_score)) {
			e->assessment = (1 - s->self_weight) * e->manager_mean + s->self_weight * e->self_score;
		} else {
			e->assessment = e->manager_mean;
		}
	}
	if (assessments_on && !isnan(e->assessment))
		e->exact = (1 - s->assessment_weight) * e->kpi_score + s->assessment_weight * e->assessment;
	else
		e->exact = e->kpi_score;
	e->score = rank_round1(e->exact);
}

/* the order of rank.h: eligible first; score, surveys, tickets descending; name */
static int entry_cmp(const void *pa, const void *pb)
{
	const rank_entry *a = pa, *b = pb;

	if (a->eligible != b->eligible)
		return a->eligible ? -1 : 1;
	if (a->eligible) {
		if (a->score != b->score)
			return a->score > b->score ? -1 : 1;
		if (a->c.surveys != b->c.surveys)
			return a->c.surveys > b->c.surveys ? -1 : 1;
		if (a->c.tickets != b->c.tickets)
			return a->c.tickets > b->c.tickets ? -1 : 1;
	}
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

int rank_is_last(const rank_entry *e, const rank_entry *all, size_t nranked)
{
	if (!e->eligible || e->rank <= 1)
		return 0;
	for (size_t i = 0; i < nranked; i++)
		if (all[i].eligible && all[i].score < e->score)
			return 0;
	return 1;
}

size_t rank_order(rank_entry *e, size_t n)
{
	size_t nranked = 0;

	if (n > 1)
		qsort(e, n, sizeof *e, entry_cmp);
	while (nranked < n && e[nranked].eligible)
		nranked++;
	for (size_t i = 0; i < n; i++) {
		e[i].rank = 0;
		e[i].flags = 0;
	}
	for (size_t i = 0; i < nranked; i++) {
		size_t lower = 0;

		/* sorted: the entries with a higher score are exactly those before the first
		 * entry with this score */
		e[i].rank = (i > 0 && e[i - 1].score == e[i].score) ? e[i - 1].rank : (long)i + 1;
		for (size_t j = i + 1; j < nranked; j++)
			if (e[j].score < e[i].score)
				lower++;
		if (e[i].rank == 1)
			e[i].flags |= RANK_FLAG_TOP;
		if (nranked >= 3 && lower <= 1 && e[i].rank > 1)
			e[i].flags |= RANK_FLAG_BOTTOM2;
	}
	return nranked;
}

/* --- the board ---------------------------------------------------------------------------- */

static void entries_free(rank_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

static skpi_err nomem(skpi_diag *d)
{
	return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
}

static int add_col(skpi_result *rs, const char *name, skpi_type t, skpi_unit u, int dec)
{
	return skpi_result_add_col(rs, name, t, u, dec) < 0;
}

static void flags_text(unsigned f, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s%s", f & RANK_FLAG_TOP ? "top" : "",
		 (f & RANK_FLAG_TOP) && (f & (RANK_FLAG_BOTTOM2 | RANK_FLAG_BOTTOM3)) ? "," : "",
		 f & RANK_FLAG_BOTTOM2 ? "bottom2" : "",
		 (f & RANK_FLAG_BOTTOM2) && (f & RANK_FLAG_BOTTOM3) ? "," : "",
		 f & RANK_FLAG_BOTTOM3 ? "bottom3_consecutive" : "");
}

skpi_err rank_board_results(rank_board *b, skpi_diag *d)
{
	const char *who = b->by_team ? "team" : "agent";
	char title[96], name[48];
	skpi_result *rk = NULL, *un = NULL;
	int bad = 0;
	skpi_err err = SKPI_OK;

	snprintf(title, sizeof title, "Ranking of the %ss, %s", who, b->period.label);
	rk = skpi_result_new(title);
	snprintf(title, sizeof title, "Not ranked, %s", b->period.label);
	un = skpi_result_new(title);
	if (!rk || !un) {
		err = nomem(d);
		goto out;
	}
	bad |= add_col(rk, "rank", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(rk, who, SKPI_TEXT, SKPI_UNIT_NONE, 0);
	bad |= add_col(rk, "score", SKPI_REAL, SKPI_UNIT_POINTS, 1);
	bad |= add_col(rk, "grade", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	bad |= add_col(rk, "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(rk, "surveys", SKPI_INT, SKPI_UNIT_COUNT, 0);
	for (int i = 0; i < RANK__NCOMP; i++) {
		if (!(b->s.weight[i] > 0))
			continue;
		snprintf(name, sizeof name, "%s_points", rank_comp_name((rank_comp)i));
		bad |= add_col(rk, name, SKPI_REAL, SKPI_UNIT_POINTS, 1);
	}
	if (b->assessments_on)
		bad |= add_col(rk, "assessment_points", SKPI_REAL, SKPI_UNIT_POINTS, 1);
	bad |= add_col(rk, "prev_rank", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(rk, "rank_change", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(rk, "flags", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	bad |= add_col(un, who, SKPI_TEXT, SKPI_UNIT_NONE, 0);
	bad |= add_col(un, "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(un, "surveys", SKPI_INT, SKPI_UNIT_COUNT, 0);
	bad |= add_col(un, "reason", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	if (bad) {
		err = nomem(d);
		goto out;
	}
	for (size_t i = 0; i < b->nentries; i++) {
		const rank_entry *e = &b->entries[i];
		skpi_result *rs = e->eligible ? rk : un;
		long row = skpi_result_add_row(rs);
		size_t c = 0;
		char flags[64];

		if (row < 0) {
			err = nomem(d);
			goto out;
		}
		if (!e->eligible) {
			bad |= skpi_result_set_text(un, (size_t)row, c++, e->name) != SKPI_OK;
			bad |= skpi_result_set_int(un, (size_t)row, c++, e->c.tickets) != SKPI_OK;
			bad |= skpi_result_set_int(un, (size_t)row, c++, e->c.surveys) != SKPI_OK;
			bad |= skpi_result_set_text(un, (size_t)row, c++, e->reason) != SKPI_OK;
			continue;
		}
		bad |= skpi_result_set_int(rk, (size_t)row, c++, e->rank) != SKPI_OK;
		bad |= skpi_result_set_text(rk, (size_t)row, c++, e->name) != SKPI_OK;
		bad |= skpi_result_set_real(rk, (size_t)row, c++, e->score) != SKPI_OK;
		bad |= skpi_result_set_text(rk, (size_t)row, c++, rank_grade(&b->s, e->score)) != SKPI_OK;
		bad |= skpi_result_set_int(rk, (size_t)row, c++, e->c.tickets) != SKPI_OK;
		bad |= skpi_result_set_int(rk, (size_t)row, c++, e->c.surveys) != SKPI_OK;
		for (int k = 0; k < RANK__NCOMP; k++)
			if (b->s.weight[k] > 0)
				bad |= skpi_result_set_real(rk, (size_t)row, c++, e->part[k].points) != SKPI_OK;
		if (b->assessments_on)
			bad |= skpi_result_set_real(rk, (size_t)row, c++, e->assessment) != SKPI_OK;
		if (e->prev_rank > 0) {
			bad |= skpi_result_set_int(rk, (size_t)row, c++, e->prev_rank) != SKPI_OK;
			bad |= skpi_result_set_int(rk, (size_t)row, c++, e->prev_rank - e->rank) != SKPI_OK;
		} else {
			c += 2;  /* NULL: not ranked in the previous period */
		}
		flags_text(e->flags, flags, sizeof flags);
		bad |= skpi_result_set_text(rk, (size_t)row, c++, flags[0] ? flags : NULL) != SKPI_OK;
	}
	if (bad) {
		err = skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "building the ranking's result set");
		goto out;
	}
	skpi_result_free(b->ranked);
	skpi_result_free(b->unranked);
	b->ranked = rk;
	b->unranked = un;
	rk = un = NULL;
out:
	skpi_result_free(rk);
	skpi_result_free(un);
	return err;
}

void rank_board_free(rank_board *b)
{
	if (!b)
		return;
	entries_free(b->entries, b->nentries);
	skpi_result_free(b->ranked);
	skpi_result_free(b->unranked);
	free(b);
}

/* --- --explain ------------------------------------------------------------------------- */

static void explain_rate(FILE *fp, const rank_settings *s, const rank_part *p, const char *unit_n,
			 int64_t k, int64_t n, int64_t ck, int64_t cn, const char *good)
{
	if (n > 0)
		fprintf(fp, "    measured    x = 100 x %lld / %lld = %.6f %%\n", (long long)k,
			(long long)n, 100.0 * (double)k / (double)n);
	else
		fprintf(fp, "    measured    no %s: x is undefined\n", unit_n);
	if (cn > 0)
		fprintf(fp, "    centre      C = 100 x %lld / %lld = %.6f %%\n", (long long)ck,
			(long long)cn, 100.0 * (double)ck / (double)cn);
	if (s->correction == RANK_WILSON) {
		double ph = n > 0 ? (double)k / (double)n : 0, z = s->wilson_z, nn = (double)n;

		if (n > 0)
			fprintf(fp, "    corrected   Wilson lower bound of %s, z = %g, p = %lld/%lld = %.6f:\n"
				"                (p + z^2/2n - z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)\n"
				"                = (%.6f + %.6f - %g x %.6f) / %.6f = %.6f %%\n",
				good, z, (long long)k, (long long)n, ph, ph, z * z / (2 * nn), z,
				sqrt(ph * (1 - ph) / nn + z * z / (4 * nn * nn)), 1 + z * z / nn,
				100 * rank_wilson_lower((double)k, nn, z));
		else
			fprintf(fp, "    corrected   Wilson lower bound of %s with no %s: 0 %%\n", good, unit_n);
	} else if (n > 0) {
		fprintf(fp, "    corrected   (n x x + m x C) / (n + m) with n = %lld %s, m = %g:\n"
			"                (%lld x %.6f + %g x %.6f) / (%lld + %g) = %.6f %%\n",
			(long long)n, unit_n, p->m, (long long)n, 100.0 * (double)k / (double)n, p->m,
			100.0 * (double)ck / (double)(cn ? cn : 1), (long long)n, p->m,
			rank_shrink((double)n, 100.0 * (double)k / (double)n, p->m,
				    100.0 * (double)ck / (double)(cn ? cn : 1)));
	} else {
		fprintf(fp, "    corrected   no %s: the centre's C = %.6f %%\n", unit_n,
			100.0 * (double)ck / (double)(cn ? cn : 1));
	}
}

static void explain_part(FILE *fp, const rank_board *b, const rank_entry *e, int i)
{
	const rank_settings *s = &b->s;
	const rank_part *p = &e->part[i];
	const rank_counts *c = &e->c, *C = &b->centre;

	fprintf(fp, "  %s (weight %g)\n", rank_comp_name((rank_comp)i), s->weight[i]);
	switch ((rank_comp)i) {
	case RANK_SATISFACTION:
		fprintf(fp, "    share of surveys scoring 4 or 5, higher is better\n");
		explain_rate(fp, s, p, "surveys", c->positive, c->surveys, C->positive, C->surveys,
			     "the share scoring 4 or 5");
		break;
	case RANK_RESOLUTION:
		fprintf(fp, "    share of tickets resolved or closed, higher is better\n");
		explain_rate(fp, s, p, "tickets", c->resolved, c->tickets, C->resolved, C->tickets,
			     "the share resolved");
		break;
	case RANK_SLA:
		fprintf(fp, "    share of SLA outcomes met (first response and resolution pooled), "
			"higher is better\n");
		explain_rate(fp, s, p, "outcomes", c->sla_met, c->sla_counted, C->sla_met,
			     C->sla_counted, "the share met");
		break;
	case RANK_REOPEN:
		fprintf(fp, "    share of resolved tickets reopened, lower is better; corrected as the\n"
			"    share NOT reopened (%lld of %lld resolved were reopened), then turned back\n",
			(long long)c->reopened, (long long)c->resolved);
		explain_rate(fp, s, p, "resolved tickets", c->resolved - c->reopened, c->resolved,
			     C->resolved - C->reopened, C->resolved, "the share not reopened");
		fprintf(fp, "    reopened    100 - %.6f = %.6f %%\n", 100 - p->corrected, p->corrected);
		break;
	case RANK_FRT:
		fprintf(fp, "    median first response in minutes, lower is better; always corrected\n"
			"    by shrinkage, n = the tickets\n");
		if (c->has_frt)
			fprintf(fp, "    measured    x = %.6f min over %lld tickets\n", c->frt_median_min,
				(long long)c->tickets);
		else
			fprintf(fp, "    measured    no first response: x is undefined\n");
		if (C->has_frt)
			fprintf(fp, "    centre      C = %.6f min\n", C->frt_median_min);
		if (c->has_frt)
			fprintf(fp, "    corrected   (%lld x %.6f + %g x %.6f) / (%lld + %g) = %.6f min\n",
				(long long)c->tickets, c->frt_median_min, p->m, p->centre,
				(long long)c->tickets, p->m, p->corrected);
		else
			fprintf(fp, "    corrected   the centre's C = %.6f min\n", p->corrected);
		break;
	case RANK__NCOMP:
		break;
	}
	fprintf(fp, "    points      100 x (%.6f - %g) / (%g - %g) = %.6f", p->corrected, s->floor[i],
		s->target[i], s->floor[i], 100 * (p->corrected - s->floor[i]) / (s->target[i] - s->floor[i]));
	if (p->points != 100 * (p->corrected - s->floor[i]) / (s->target[i] - s->floor[i]))
		fprintf(fp, ", capped to %.6f", p->points);
	fprintf(fp, "   (floor %g = 0, target %g = 100)\n", s->floor[i], s->target[i]);
	fprintf(fp, "    weighted    %g x %.6f = %.6f\n", s->weight[i], p->points, p->weighted);
}

skpi_err rank_explain(FILE *fp, const rank_board *b, const char *name, skpi_diag *d)
{
	const rank_settings *s = &b->s;
	const rank_entry *e = NULL;
	const rank_counts *c, *C = &b->centre;
	const char *who = b->by_team ? "team" : "agent";
	int first = 1;

	for (size_t i = 0; i < b->nentries && !e; i++)
		if (strcmp(b->entries[i].name, name) == 0)
			e = &b->entries[i];
	if (!e) {
		skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "no %s '%s' has tickets or surveys in %s", who,
			      name, b->period.label);
		skpi_diag_hint(d, "names are compared exactly; 'supportkpi rank --period %s' lists them",
			       b->period.label);
		return SKPI_ERR_USAGE;
	}
	c = &e->c;
	fprintf(fp, "How the score of %s '%s' for %s was computed (rules: docs/ranking.md)\n\n", who,
		e->name, b->period.label);
	fprintf(fp, "Raw counts\n"
		"  %s:  %lld tickets, %lld resolved (%lld of them reopened), %lld surveys (%lld "
		"scoring 4 or 5),\n", who, (long long)c->tickets, (long long)c->resolved,
		(long long)c->reopened, (long long)c->surveys, (long long)c->positive);
	if (c->has_frt)
		fprintf(fp, "          median first response %.6f min, ", c->frt_median_min);
	else
		fprintf(fp, "          no first response, ");
	fprintf(fp, "SLA outcomes %lld met of %lld\n", (long long)c->sla_met, (long long)c->sla_counted);
	fprintf(fp, "  centre: %lld tickets, %lld resolved (%lld of them reopened), %lld surveys (%lld "
		"scoring 4 or 5),\n", (long long)C->tickets, (long long)C->resolved,
		(long long)C->reopened, (long long)C->surveys, (long long)C->positive);
	if (C->has_frt)
		fprintf(fp, "          median first response %.6f min, ", C->frt_median_min);
	else
		fprintf(fp, "          no first response, ");
	fprintf(fp, "SLA outcomes %lld met of %lld\n\n", (long long)C->sla_met, (long long)C->sla_counted);

	fprintf(fp, "Eligibility: at least %ld tickets and %ld surveys: ", s->min_tickets, s->min_surveys);
	if (e->eligible)
		fprintf(fp, "%lld and %lld, ranked\n\n", (long long)c->tickets, (long long)c->surveys);
	else
		fprintf(fp, "not ranked: %s\n\n", e->reason);

	fprintf(fp, "Components (small samples corrected by %s)\n",
		s->correction == RANK_WILSON ? "the Wilson lower bound; the first-response time by shrinkage"
					     : "shrinkage toward the centre, (n x x + m x C) / (n + m)");
	for (int i = 0; i < RANK__NCOMP; i++)
		if (s->weight[i] > 0)
			explain_part(fp, b, e, i);
	fprintf(fp, "\nKPI score    ");
	for (int i = 0; i < RANK__NCOMP; i++)
		if (s->weight[i] > 0) {
			fprintf(fp, "%s%.6f", first ? "" : " + ", e->part[i].weighted);
			first = 0;
		}
	fprintf(fp, " = %.6f\n", e->kpi_score);
	if (b->assessments_on) {
		if (!e->has_assessment) {
			fprintf(fp, "Assessment   no manager assessment for %s\n", b->period.label);
		} else {
			fprintf(fp, "Assessment   managers' mean %.6f (%ld assessment%s)", e->manager_mean,
				e->manager_n, e->manager_n == 1 ? "" : "s");
			if (s->self_weight > 0 && !isnan(e->self_score))
				fprintf(fp, ", self %.6f:\n             (1 - %g) x %.6f + %g x %.6f = %.6f\n",
					e->self_score, s->self_weight, e->manager_mean, s->self_weight,
					e->self_score, e->assessment);
			else
				fprintf(fp, "%s = %.6f\n", s->self_weight > 0 ? ", no self-assessment" : "",
					e->assessment);
			fprintf(fp, "Blended      (1 - %g) x %.6f + %g x %.6f = %.6f\n", s->assessment_weight,
				e->kpi_score, s->assessment_weight, e->assessment, e->exact);
		}
	}
	fprintf(fp, "Score        %.6f, rounded to one decimal: %.1f\n", e->exact, e->score);
	fprintf(fp, "Grade        %s (excellent from %g, good from %g, pass from %g)\n",
		rank_grade(s, e->score), s->grade_excellent, s->grade_good, s->grade_pass);
	if (e->eligible) {
		char flags[64];

		fprintf(fp, "Rank         %ld of %zu ranked", e->rank, b->nranked);
		if (e->prev_rank > 0)
			fprintf(fp, "; previous period %ld, change %+ld\n", e->prev_rank, e->prev_rank - e->rank);
		else
			fprintf(fp, "; not ranked in the previous period\n");
		flags_text(e->flags, flags, sizeof flags);
		fprintf(fp, "Flags        %s\n", flags[0] ? flags : "none");
	} else {
		fprintf(fp, "Rank         not ranked: %s\n", e->reason);
	}
	if (fflush(fp) != 0 || ferror(fp))
		return skpi_diag_set(d, SKPI_ERR_IO, NULL, 0, "cannot write the explanation");
	return SKPI_OK;
}
/* --- settings ------------------------------------------------------------------------- */

/* the [ranking] keys of each component, in rank_comp order (rows of lib/config.c's table) */
static const char *const weight_keys[RANK__NCOMP] = {
	"weight_satisfaction", "weight_resolution", "weight_frt", "weight_sla", "weight_reopen"
};
static const char *const floor_keys[RANK__NCOMP] = {
	"satisfaction_floor", "resolution_floor", "frt_floor", "sla_floor", "reopen_floor"
};
static const char *const target_keys[RANK__NCOMP] = {
	"satisfaction_target", "resolution_target", "frt_target", "sla_target", "reopen_target"
};

/* lower is better: the target lies below the floor */
static int lower_better(int i)
{
	return i == RANK_FRT || i == RANK_REOPEN;
}

skpi_err rank_settings_load(const skpi_config *cfg, rank_settings *s, skpi_diag *d)
{
	static const char sec[] = "ranking";
	const char *corr;
	const char *first = NULL;
	long first_line = 0;
	double sum = 0;
	char terms[512];
	size_t used = 0;

	/* the table's defaults when cfg is NULL or the key absent (the unit test checks they
	 * are rank_settings_default's) */
	rank_settings_default(s);
	for (int i = 0; i < RANK__NCOMP; i++) {
		long line = config_line(cfg, sec, weight_keys[i]);

		s->weight[i] = config_real(cfg, sec, weight_keys[i]);
		s->floor[i] = config_real(cfg, sec, floor_keys[i]);
		s->target[i] = config_real(cfg, sec, target_keys[i]);
		if (line && (!first || line < first_line)) {
			first = weight_keys[i];
			first_line = line;
		}
	}
	s->min_tickets = config_int(cfg, sec, "min_tickets");
	s->min_surveys = config_int(cfg, sec, "min_surveys");
	s->wilson_z = config_real(cfg, sec, "wilson_z");
	s->prior_surveys = config_real(cfg, sec, "prior_surveys");
	s->prior_tickets = config_real(cfg, sec, "prior_tickets");
	s->assessment_weight = config_real(cfg, sec, "assessment_weight");
	s->self_weight = config_real(cfg, sec, "self_assessment_weight");
	s->grade_excellent = config_real(cfg, sec, "grade_excellent");
	s->grade_good = config_real(cfg, sec, "grade_good");
	s->grade_pass = config_real(cfg, sec, "grade_pass");
	corr = config_str(cfg, sec, "correction");
	if (!corr || strcmp(corr, "shrinkage") == 0) {
		s->correction = RANK_SHRINKAGE;
	} else if (strcmp(corr, "wilson") == 0) {
		s->correction = RANK_WILSON;
	} else {
		config_fail(cfg, sec, "correction", d, "correction '%s' is not shrinkage or wilson", corr);
		skpi_diag_hint(d, "shrinkage pulls small samples toward the centre's figure; wilson "
			       "takes the lower bound of the rate's 95 %% interval (docs/ranking.md)");
		return SKPI_ERR_CONFIG;
	}

	terms[0] = '\0';
	for (int i = 0; i < RANK__NCOMP; i++) {
		int n = snprintf(terms + used, sizeof terms - used, "%s%s %g", i ? " + " : "",
				 weight_keys[i], s->weight[i]);

		sum += s->weight[i];
		if (n > 0 && (size_t)n < sizeof terms - used)
			used += (size_t)n;
	}
	if (fabs(sum - 1) > 1e-9) {
		config_fail(cfg, sec, first ? first : weight_keys[0], d,
			    "the weights sum to %.10g, not 1: %s", sum, terms);
		skpi_diag_hint(d, "change them so that they add up to 1 exactly; they are not rescaled, "
			       "so that the score means what the file says");
		return SKPI_ERR_CONFIG;
	}
	for (int i = 0; i < RANK__NCOMP; i++) {
		if (s->floor[i] == s->target[i]) {
			config_fail(cfg, sec, target_keys[i], d, "%s equals %s (%g): the points need a range",
				    target_keys[i], floor_keys[i], s->floor[i]);
			skpi_diag_hint(d, "the floor is worth 0 points and the target 100");
			return SKPI_ERR_CONFIG;
		}
		if (lower_better(i) ? s->target[i] > s->floor[i] : s->target[i] < s->floor[i]) {
			config_fail(cfg, sec, target_keys[i], d, "%s %g is %s %s %g", target_keys[i],
				    s->target[i], lower_better(i) ? "above" : "below", floor_keys[i], s->floor[i]);
			skpi_diag_hint(d, "for %s %s is better: the target (100 points) must be %s the "
				       "floor (0 points)", rank_comp_name((rank_comp)i),
				       lower_better(i) ? "lower" : "higher", lower_better(i) ? "below" : "above");
			return SKPI_ERR_CONFIG;
		}
	}
	if (!(s->grade_excellent > s->grade_good && s->grade_good > s->grade_pass)) {
		config_fail(cfg, sec, config_line(cfg, sec, "grade_pass") ? "grade_pass" :
			    config_line(cfg, sec, "grade_good") ? "grade_good" : "grade_excellent", d,
			    "the grade bands are not in order: grade_excellent %g, grade_good %g, "
			    "grade_pass %g", s->grade_excellent, s->grade_good, s->grade_pass);
		skpi_diag_hint(d, "each band's lower limit must be below the one above it");
		return SKPI_ERR_CONFIG;
	}
	return SKPI_OK;
}

/* --- one period ------------------------------------------------------------------------ */

static const char none_group[] = "(none)";

/* a cell of the kpi result by column name: 0 / NAN when NULL or missing */
static const skpi_value *cell(const skpi_result *rs, size_t row, const char *col)
{
	int c = skpi_result_col(rs, col);

	return c < 0 ? NULL : skpi_result_get(rs, row, (size_t)c);
}

static int64_t cell_int(const skpi_result *rs, size_t row, const char *col)
{
	const skpi_value *v = cell(rs, row, col);

	return v && !v->is_null ? v->i : 0;
}

static double cell_real(const skpi_result *rs, size_t row, const char *col)
{
	const skpi_value *v = cell(rs, row, col);

	return v && !v->is_null ? v->r : NAN;
}

/* the raw counts of one kpi_run row; the counts behind the percentages are recovered
 * exactly: pct = 100 k / n, so k = round(pct × n / 100) */
static void counts_of(const skpi_result *rs, size_t row, rank_counts *c)
{
	double reopen = cell_real(rs, row, "reopen_pct");
	double csat = cell_real(rs, row, "csat_pct");

	memset(c, 0, sizeof *c);
	c->tickets = cell_int(rs, row, "tickets");
	c->resolved = cell_int(rs, row, "resolved");
	c->reopened = isnan(reopen) ? 0 : llround(reopen * (double)c->resolved / 100);
	c->has_reopen = !isnan(reopen);
	c->surveys = cell_int(rs, row, "surveys");
	c->positive = isnan(csat) ? 0 : llround(csat * (double)c->surveys / 100);
	c->frt_median_min = cell_real(rs, row, "frt_median_min");
	c->has_frt = !isnan(c->frt_median_min);
}

/* The text of query name in schema/rank.sql (up to the next "-- name:" or the end). */
static skpi_err rank_sql(const char *name, const char **sql, int *len, skpi_diag *d)
{
	const char *text = store_sql("rank.sql"), *q, *end;
	char marker[64];

	snprintf(marker, sizeof marker, "-- name: %s\n", name);
	q = text ? strstr(text, marker) : NULL;
	if (!q)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "query %s is not in schema/rank.sql", name);
	q += strlen(marker);
	end = strstr(q, "\n-- name: ");
	*sql = q;
	*len = (int)(end ? (size_t)(end - q) : strlen(q));
	return SKPI_OK;
}

static skpi_err prepare_named(sqlite3 *db, const char *name, const skpi_period *p,
			      sqlite3_stmt **st, skpi_diag *d)
{
	const char *sql = NULL;
	int len = 0, rc, i;
	skpi_err e = rank_sql(name, &sql, &len, d);

	if (e)
		return e;
	rc = sqlite3_prepare_v2(db, sql, len, st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(db, rc, "preparing the ranking's query", d);
	if ((i = sqlite3_bind_parameter_index(*st, ":from")) > 0)
		sqlite3_bind_text(*st, i, p->from, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(*st, ":to")) > 0)
		sqlite3_bind_text(*st, i, p->to, -1, SQLITE_TRANSIENT);
	return SKPI_OK;
}

static rank_entry *find_entry(rank_entry *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

/* SLA outcomes per group from temp.sla_outcome of the kpi_run just done */
static skpi_err read_sla(sqlite3 *db, const skpi_period *p, rank_entry *e, size_t n,
			 rank_counts *centre, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;
	skpi_err err = prepare_named(db, "rank_sla", p, &st, d);

	if (err)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		rank_entry *x = find_entry(e, n, g ? g : none_group);
		int64_t met = sqlite3_column_int64(st, 1), counted = sqlite3_column_int64(st, 2);

		centre->sla_met += met;
		centre->sla_counted += counted;
		if (x) {
			x->c.sla_met += met;
			x->c.sla_counted += counted;
		}
	}
	if (rc != SQLITE_DONE)
		err = store_fail(db, rc, "reading the SLA outcomes", d);
out:
	sqlite3_finalize(st);
	return err;
}

static skpi_err read_assessments(sqlite3 *db, const skpi_period *p, rank_entry *e, size_t n,
				 skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;
	skpi_err err = prepare_named(db, "rank_assessments", p, &st, d);

	if (err)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		rank_entry *x = g ? find_entry(e, n, g) : NULL;

		if (!x)
			continue;
		x->manager_n = (long)sqlite3_column_int64(st, 2);
		x->manager_mean = x->manager_n ? sqlite3_column_double(st, 1) : NAN;
		x->self_score = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
	}
	if (rc != SQLITE_DONE)
		err = store_fail(db, rc, "reading the assessments", d);
out:
	sqlite3_finalize(st);
	return err;
}

/* Score and order the agents (teams) of period p: *out (caller frees with entries_free). */
static skpi_err run_period(sqlite3 *db, const rank_query *q, const rank_settings *s,
			   int assessments_on, const skpi_period *p, rank_entry **out, size_t *nout,
			   size_t *nranked, rank_counts *centre, skpi_diag *d)
{
	kpi_query kq;
	skpi_result *rs = NULL;
	rank_entry *e = NULL;
	size_t n = 0;
	skpi_err err;

	*out = NULL;
	*nout = *nranked = 0;
	memset(&kq, 0, sizeof kq);
	kq.period = *p;
	kq.ndims = 1;
	kq.dims[0] = q->by_team ? KPI_DIM_TEAM : KPI_DIM_AGENT;
	kq.as_of = q->as_of;
	kq.config = q->config;
	kq.cache = q->cache;
	if ((err = kpi_run(db, &kq, &rs, d)))
		goto out;
	e = calloc(rs->nrows ? rs->nrows : 1, sizeof *e);
	if (!e) {
		err = nomem(d);
		goto out;
	}
	for (size_t r = 0; r < rs->nrows; r++) {
		const skpi_value *g = cell(rs, r, "group");
		const char *name = g && !g->is_null ? g->s : none_group;

		e[n].name = strdup(name);
		if (!e[n].name) {
			err = nomem(d);
			goto out;
		}
		counts_of(rs, r, &e[n].c);
		e[n].manager_mean = e[n].self_score = NAN;
		n++;
	}
	memset(centre, 0, sizeof *centre);
	/* read_sla reads the outcomes kpi_run leaves, which a result from the cache did not */
	if ((err = kpi_sla_outcomes(db, &kq, d)) || (err = read_sla(db, p, e, n, centre, d)))
		goto out;
	if (assessments_on && (err = read_assessments(db, p, e, n, d)))
		goto out;
	skpi_result_free(rs);
	rs = NULL;
	kq.ndims = 0;
	if ((err = kpi_run(db, &kq, &rs, d)))
		goto out;
	if (rs->nrows == 1) {
		int64_t met = centre->sla_met, counted = centre->sla_counted;

		counts_of(rs, 0, centre);
		centre->sla_met = met;
		centre->sla_counted = counted;
	}
	for (size_t i = 0; i < n; i++) {
		rank_score(s, centre, assessments_on, p->label, &e[i]);
		if (strcmp(e[i].name, none_group) == 0) {
			e[i].eligible = 0;
			snprintf(e[i].reason, sizeof e[i].reason, "records without %s",
				 q->by_team ? "a team" : "an agent");
		}
	}
	*nranked = rank_order(e, n);
	*out = e;
	*nout = n;
	e = NULL;
out:
	skpi_result_free(rs);
	if (e)
		entries_free(e, n);
	return err;
}

/* the period has no data at all for a component that carries weight */
static skpi_err check_components(const rank_board *b, const skpi_config *cfg, skpi_diag *d)
{
	const rank_counts *c = &b->centre;

	if (c->tickets == 0 && c->surveys == 0)
		return SKPI_OK;   /* an empty period: nobody to rank, nothing weighed wrongly */
	for (int i = 0; i < RANK__NCOMP; i++) {
		int none = 0;
		const char *what = "";

		if (!(b->s.weight[i] > 0))
			continue;
		switch ((rank_comp)i) {
		case RANK_SATISFACTION: none = c->surveys == 0; what = "no survey"; break;
		case RANK_RESOLUTION: none = c->tickets == 0; what = "no ticket"; break;
		case RANK_FRT: none = !c->has_frt; what = "no first response"; break;
		case RANK_SLA: none = c->sla_counted == 0; what = "no SLA outcome (met or breached)"; break;
		case RANK_REOPEN:
			none = c->resolved == 0 || !c->has_reopen;
			what = c->resolved == 0 ? "no resolved ticket" :
			       "no resolved ticket with a reopen_count (the export has no reopen data)";
			break;
		case RANK__NCOMP: break;
		}
		if (!none)
			continue;
		if (cfg && cfg->path) {
			config_fail(cfg, "ranking", weight_keys[i], d, "%s is %g but %s has %s",
				    weight_keys[i], b->s.weight[i], b->period.label, what);
		} else {
			skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "%s is %g (the default) but %s has %s",
				      weight_keys[i], b->s.weight[i], b->period.label, what);
		}
		if (i == RANK_SLA)
			skpi_diag_hint(d, "give --config a file with [sla NAME] rules, or set weight_sla = 0 "
				       "under [ranking] and share its weight among the others (they must "
				       "sum to 1)");
		else
			skpi_diag_hint(d, "check the period, or set %s = 0 under [ranking] and share its "
				       "weight among the others (they must sum to 1)", weight_keys[i]);
		return SKPI_ERR_CONFIG;
	}
	return SKPI_OK;
}

/* prev_rank and the last-place history from the two periods before */
static void mark_history(rank_board *b, rank_entry *p1, size_t n1, size_t r1, rank_entry *p2,
			 size_t n2, size_t r2)
{
	for (size_t i = 0; i < b->nranked; i++) {
		rank_entry *e = &b->entries[i];
		const rank_entry *a = find_entry(p1, n1, e->name);
		const rank_entry *z = find_entry(p2, n2, e->name);

		e->prev_rank = a && a->eligible ? a->rank : 0;
		e->last_before[0] = a && rank_is_last(a, p1, r1);
		e->last_before[1] = z && rank_is_last(z, p2, r2);
		if (rank_is_last(e, b->entries, b->nranked) && e->last_before[0] && e->last_before[1])
			e->flags |= RANK_FLAG_BOTTOM3;
	}
}

skpi_err rank_run(sqlite3 *db, const rank_query *q, rank_board **out, skpi_diag *d)
{
	rank_board *b = calloc(1, sizeof *b);
	rank_entry *p1 = NULL, *p2 = NULL;
	size_t n1 = 0, n2 = 0, r1 = 0, r2 = 0;
	rank_counts c1, c2;
	skpi_period per1, per2;
	int began = 0, rc;
	skpi_err err;

	*out = NULL;
	if (!b)
		return nomem(d);
	if ((err = rank_settings_load(q->config, &b->s, d)))
		goto out;
	b->period = q->period;
	b->by_team = q->by_team;
	b->assessments_on = !q->by_team && b->s.assessment_weight > 0;
	/* one read transaction: the three periods see the same data */
	if (sqlite3_get_autocommit(db)) {
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			err = store_fail(db, rc, "starting to read the ranking", d);
			goto out;
		}
		began = 1;
	}
	err = run_period(db, q, &b->s, b->assessments_on, &q->period, &b->entries, &b->nentries,
			 &b->nranked, &b->centre, d);
	if (!err)
		err = check_components(b, q->config, d);
	period_shift(&q->period, -1, &per1);
	period_shift(&q->period, -2, &per2);
	if (!err)
		err = run_period(db, q, &b->s, b->assessments_on, &per1, &p1, &n1, &r1, &c1, d);
	if (!err)
		err = run_period(db, q, &b->s, b->assessments_on, &per2, &p2, &n2, &r2, &c2, d);
	if (err)
		goto out;
	mark_history(b, p1, n1, r1, p2, n2, r2);
	err = rank_board_results(b, d);
out:
	if (began)
		sqlite3_exec(db, err ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	entries_free(p1, n1);
	entries_free(p2, n2);
	if (err)
		rank_board_free(b);
	else
		*out = b;
	return err;
}

