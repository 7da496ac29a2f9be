/* rank — agent and team rankings: eligibility, small-sample correction, points, weights,
 * grades, the fully determined order, flags, the previous period's rank, and the
 * explanation of one score from raw counts (docs/ranking.md says every rule in words).
 *
 * Two layers:
 *   - pure scoring on plain values (rank_wilson_lower, rank_shrink, rank_points,
 *     rank_score, rank_order ...): no database, no config file, unit-tested by hand;
 *   - rank_run: the KPI engine (kpi_run) for the period, the two before it and the SLA
 *     outcomes it leaves behind, the settings of [ranking], the assessments table, into a
 *     rank_board with two result sets for the renderers.
 *
 * Result set `ranked` (rank_board.ranked), columns in this order:
 *   rank            INT    1 = best; ties share a rank (competition ranking: 1, 2, 2, 4)
 *   agent | team    TEXT
 *   score           REAL   0-100, rounded to one decimal (the figure ranked and graded)
 *   grade           TEXT   excellent | good | pass | needs improvement
 *   tickets         INT
 *   surveys         INT
 *   <component>_points REAL 0-100, one per component with a weight above 0, in the order
 *                          satisfaction, resolution, frt, sla, reopen
 *   assessment_points  REAL with [ranking] assessment_weight > 0 and --by agent only
 *   prev_rank       INT    rank in the previous period (NULL: not ranked then)
 *   rank_change     INT    prev_rank - rank: positive = moved up (NULL without prev_rank)
 *   flags           TEXT   comma-separated: top, bottom2, bottom3_consecutive; NULL for none
 * Rows in rank order (see rank_order).
 *
 * Result set `unranked` (rank_board.unranked):
 *   agent | team TEXT, tickets INT, surveys INT, reason TEXT
 * sorted by name (bytewise).
 *
 * Ownership: rank_run returns a board the caller frees with rank_board_free; the result
 * sets and entries in it belong to the board. */
#ifndef SUPPORTKPI_RANK_H
#define SUPPORTKPI_RANK_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "supportkpi/config.h"
#include "supportkpi/err.h"
#include "supportkpi/kpi.h"
#include "supportkpi/period.h"
#include "supportkpi/result.h"

typedef enum rank_comp {
	RANK_SATISFACTION,  /* share of surveys scoring 4 or 5 (csat_pct), higher is better */
	RANK_RESOLUTION,    /* resolved / tickets (resolution_pct), higher is better */
	RANK_FRT,           /* median first response in minutes (frt_median_min), lower is better */
	RANK_SLA,           /* SLA outcomes met / met or breached, both targets pooled */
	RANK_REOPEN,        /* resolved tickets reopened / resolved (reopen_pct), lower is better */
	RANK__NCOMP
} rank_comp;

/* "satisfaction", "resolution", "frt", "sla", "reopen"; "?" outside the enum.  Static. */
const char *rank_comp_name(rank_comp c);

typedef enum rank_correction {
	RANK_SHRINKAGE,     /* (n·x + m·C) / (n + m) toward the centre's value C */
	RANK_WILSON         /* the Wilson score interval's lower bound of the good share */
} rank_correction;

/* The settings of [ranking] (docs/ranking.md; defaults from rank_settings_default). */
typedef struct rank_settings {
	double weight[RANK__NCOMP];  /* >= 0, summing to 1 */
	double floor[RANK__NCOMP];   /* value worth 0 points (% or minutes) */
	double target[RANK__NCOMP];  /* value worth 100 points; below the floor for frt/reopen */
	long min_tickets;            /* eligibility: at least this many tickets (20) */
	long min_surveys;            /* and this many surveys (10) */
	rank_correction correction;  /* for the rates (all but frt): shrinkage */
	double wilson_z;             /* z of the Wilson interval (1.96: 95 %) */
	double prior_surveys;        /* m of the shrinkage for satisfaction (20) */
	double prior_tickets;        /* m for the ticket components (20) */
	double assessment_weight;    /* share of the final score from assessments (0: none) */
	double self_weight;          /* share of the assessment from self-assessment (0) */
	double grade_excellent;      /* score >= this: excellent (90) */
	double grade_good;           /* good (80) */
	double grade_pass;           /* pass (60); below: needs improvement */
} rank_settings;

/* The documented defaults. */
void rank_settings_default(rank_settings *s);

/* The settings of cfg's [ranking] (cfg NULL: the defaults), checked together: weights
 * summing to 1 (within 1e-9, never normalised), floor != target, grades descending.
 * SKPI_ERR_CONFIG with the config file and the line of the offending key. */
skpi_err rank_settings_load(const skpi_config *cfg, rank_settings *s, skpi_diag *d);

/* --- pure scoring ------------------------------------------------------------------ */

/* Lower bound of the Wilson score interval for k successes in n trials at z:
 *   (p + z²/2n − z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n),  p = k/n.
 * 0 when n <= 0. */
double rank_wilson_lower(double k, double n, double z);

/* The weighted-rating form (n·x + m·c) / (n + m); c when n + m <= 0. */
double rank_shrink(double n, double x, double m, double c);

/* Points 0-100 for value x: 100 · (x − floor) / (target − floor), capped at 0 and 100.
 * Works both ways (target below floor: lower is better).  0 when floor == target. */
double rank_points(double x, double floor, double target);

/* The score rounded to one decimal, half away from zero: the figure shown, ranked and
 * graded. */
double rank_round1(double score);

/* The grade of a (rounded) score under s: "excellent", "good", "pass" or
 * "needs improvement".  Static. */
const char *rank_grade(const rank_settings *s, double score);

/* The raw figures of one agent or team (or of the whole centre) for the period. */
typedef struct rank_counts {
	int64_t tickets;
	int64_t resolved;
	int64_t reopened;          /* resolved tickets with reopen_count > 0 */
	int64_t surveys;           /* surveys with a valid score */
	int64_t positive;          /* of those, scoring 4 or 5 */
	int has_frt;               /* frt_median_min is defined */
	double frt_median_min;
	int64_t sla_met;           /* SLA outcomes met (first response and resolution) */
	int64_t sla_counted;       /* met + breached */
	int has_reopen;            /* reopen_pct is defined (some resolved ticket has a
				      reopen_count): else the reopen rate has no data */
} rank_counts;

/* One component of one entry, every step kept for --explain. */
typedef struct rank_part {
	int used;                  /* weight > 0 */
	double n;                  /* sample size: surveys, tickets or resolved tickets, outcomes */
	double raw;                /* the figure as measured (%, or minutes); NAN without data */
	double centre;             /* the centre's figure (C) */
	double m;                  /* prior weight (shrinkage) */
	double corrected;          /* after the small-sample correction */
	double points;             /* 0-100 */
	double weighted;           /* weight × points */
} rank_part;

enum {
	RANK_FLAG_TOP = 1,
	RANK_FLAG_BOTTOM2 = 2,
	RANK_FLAG_BOTTOM3 = 4   /* last this period and the two before */
};

typedef struct rank_entry {
	char *name;                /* owned by the entry's array owner */
	rank_counts c;
	int has_assessment;
	double manager_mean;       /* mean of the assessments by others (NAN: none) */
	long manager_n;
	double self_score;         /* the agent's own assessment (NAN: none) */
	double assessment;         /* blended assessment 0-100 (NAN: none) */
	rank_part part[RANK__NCOMP];
	double kpi_score;          /* sum of the weighted points */
	double exact;              /* after blending the assessment, before rounding */
	double score;              /* rank_round1(exact) */
	int eligible;
	char reason[160];          /* why not ranked, when !eligible */
	long rank;                 /* 0 when not ranked */
	long prev_rank;            /* 0: not ranked in the previous period */
	unsigned flags;
	int last_before[2];        /* was last in the period before / two before */
} rank_entry;

/* Eligibility (min_tickets, min_surveys) and the score of e from its counts and the
 * centre's, under s.  assessments_on: blend e's assessment (none: not eligible). */
void rank_score(const rank_settings *s, const rank_counts *centre, int assessments_on,
		const char *period_label, rank_entry *e);

/* Order entries (eligible first in rank order, then the rest by name) and give the
 * eligible ones their rank and the top / bottom2 flags:
 *   order: score (rounded) descending, then surveys descending, then tickets descending,
 *          then name bytewise ascending;
 *   rank:  1 + the number of eligible entries with a higher score: equal scores share it;
 *   top:   rank 1;  bottom2: rank > 1 and at most one eligible entry scores lower, when
 *          at least 3 are ranked;  "last" (for bottom3_consecutive): none scores lower and rank > 1.
 * Returns the number of eligible entries. */
size_t rank_order(rank_entry *e, size_t n);

/* Whether e is last in its ranking (see rank_order) among nranked. */
int rank_is_last(const rank_entry *e, const rank_entry *all, size_t nranked);

/* --- the ranking of a period ---------------------------------------------------------- */

typedef struct rank_query {
	skpi_period period;
	int by_team;               /* 0: agents, 1: teams */
	int64_t as_of;             /* as kpi_query.as_of */
	const skpi_config *config; /* NULL: defaults, no SLA rules, no calendar */
	kpi_cache *cache;          /* as kpi_query.cache: NULL, or borrowed */
} rank_query;

typedef struct rank_board {
	rank_settings s;
	skpi_period period;
	int by_team;
	int assessments_on;        /* assessment_weight > 0 and by agent */
	rank_counts centre;
	rank_entry *entries;       /* ranked first, in rank order; then unranked by name */
	size_t nentries;
	size_t nranked;
	skpi_result *ranked;       /* see the top of this file */
	skpi_result *unranked;
} rank_board;

/* Rank the agents (or teams) of q's period.  Errors: those of kpi_run, SKPI_ERR_CONFIG for
 * [ranking] (file and line) and for a weight on a component the period has no data for
 * at all (SLA without rules), SKPI_ERR_NOMEM, SKPI_ERR_DB.  Caller frees *out with
 * rank_board_free. */
skpi_err rank_run(sqlite3 *db, const rank_query *q, rank_board **out, skpi_diag *d);

void rank_board_free(rank_board *b);

/* Build the two result sets of b from its entries (rank_run does it; for callers that
 * fill a board by hand).  SKPI_ERR_NOMEM. */
skpi_err rank_board_results(rank_board *b, skpi_diag *d);

/* Write to fp, step by step, how name's score was computed from the raw counts (or why
 * it is not ranked).  SKPI_ERR_USAGE when name is not in the board, SKPI_ERR_IO when the
 * stream fails. */
skpi_err rank_explain(FILE *fp, const rank_board *b, const char *name, skpi_diag *d);

#endif
