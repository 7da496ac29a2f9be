/* test_rank — the scoring of `supportkpi rank` on plain values: the Wilson lower bound
 * against published values, shrinkage, points, rounding, grades, eligibility, the order,
 * ties, flags and assessments.  Every expected value is worked out by hand in a comment. */
#include <stdlib.h>
#include <unistd.h>

#include "supportkpi/config.h"
#include "supportkpi/period.h"
#include "supportkpi/rank.h"
#include "unit.h"

/* Published values of the Wilson score interval at z = 1.96, from the test cases of
 * https://codegolf.stackexchange.com/questions/105389 ("Compute the Wilson score
 * interval", given there as successes, failures => lower, upper). */
TEST(wilson_matches_published_values)
{
	CHECK_NEAR(rank_wilson_lower(1, 1, 1.96), 0.20654329147389294, 1e-12);   /* 1, 0 */
	CHECK_NEAR(rank_wilson_lower(1, 2, 1.96), 0.09452865480086611, 1e-12);   /* 1, 1 */
	CHECK_NEAR(rank_wilson_lower(1, 11, 1.96), 0.016231752262825982, 1e-12); /* 1, 10 */
	CHECK_NEAR(rank_wilson_lower(10, 11, 1.96), 0.6226353745137962, 1e-12);  /* 10, 1 */
	CHECK_NEAR(rank_wilson_lower(90, 100, 1.96), 0.8256326956323345, 1e-12); /* 90, 10 */
	CHECK_NEAR(rank_wilson_lower(25, 100, 1.96), 0.17545094003724265, 1e-12);/* 25, 75 */
	CHECK_NEAR(rank_wilson_lower(50, 100, 1.96), 0.40382982859014716, 1e-12);/* 50, 50 */
	CHECK_NEAR(rank_wilson_lower(100, 100, 1.96), 0.9630051925239981, 1e-12);/* 100, 0 */
	CHECK_NEAR(rank_wilson_lower(0, 1, 1.96), 0.0, 1e-15);                   /* 0, 1 */
	CHECK_NEAR(rank_wilson_lower(0, 100, 1.96), 0.0, 1e-15);                 /* 0, 100 */
}

TEST(wilson_by_hand)
{
	/* 5 of 10, z = 1.96: p = 0.5, z² = 3.8416, z²/2n = 0.19208, p(1-p)/n = 0.025,
	 * z²/4n² = 0.009604, sqrt(0.034604) = 0.18602150, × 1.96 = 0.36460214;
	 * (0.5 + 0.19208 - 0.36460214) / (1 + 0.38416) = 0.32747786 / 1.38416 = 0.23658959
	 * (the usual published 95 % interval for 5 of 10: 0.2366 to 0.7634) */
	CHECK_NEAR(rank_wilson_lower(5, 10, 1.96), 0.23658959, 1e-8);
	/* 2 of 2: p = 1, spread = 1.96 × sqrt(3.8416/16) = 1.96 × 0.49 = 0.9604;
	 * (1 + 0.9604 - 0.9604) / (1 + 1.9208) = 1 / 2.9208 = 0.34237195 */
	CHECK_NEAR(rank_wilson_lower(2, 2, 1.96), 1 / 2.9208, 1e-12);
	/* no trials: 0 */
	CHECK_NEAR(rank_wilson_lower(0, 0, 1.96), 0.0, 0);
	/* more data, same share: a higher bound (190/200 beats 9/10 and 2/2) */
	CHECK(rank_wilson_lower(190, 200, 1.96) > rank_wilson_lower(9, 10, 1.96));
	CHECK(rank_wilson_lower(190, 200, 1.96) > rank_wilson_lower(2, 2, 1.96));
}

TEST(shrinkage_weighted_rating)
{
	/* (n·x + m·C) / (n + m) */
	CHECK_NEAR(rank_shrink(2, 100, 20, 80), (200.0 + 1600) / 22, 1e-12);     /* 81.818181 */
	CHECK_NEAR(rank_shrink(200, 95, 20, 80), (19000.0 + 1600) / 220, 1e-12); /* 93.636363 */
	CHECK_NEAR(rank_shrink(20, 90, 20, 80), 85, 1e-12);                      /* halfway */
	CHECK_NEAR(rank_shrink(0, NAN, 20, 80), 80, 0);                          /* no data: C */
	CHECK_NEAR(rank_shrink(10, 70, 0, 80), 70, 1e-12);                       /* m = 0: x */
}

TEST(points_linear_and_capped)
{
	CHECK_NEAR(rank_points(72.5, 50, 95), 50, 1e-12);   /* 100 × 22.5 / 45 */
	CHECK_NEAR(rank_points(50, 50, 95), 0, 0);
	CHECK_NEAR(rank_points(95, 50, 95), 100, 1e-12);
	CHECK_NEAR(rank_points(99, 50, 95), 100, 0);        /* capped */
	CHECK_NEAR(rank_points(10, 50, 95), 0, 0);          /* capped */
	/* lower is better (frt): floor 480 min, target 30 min; 255 is halfway:
	 * 100 × (255 − 480) / (30 − 480) = 100 × −225 / −450 = 50 */
	CHECK_NEAR(rank_points(255, 480, 30), 50, 1e-12);
	CHECK_NEAR(rank_points(10, 480, 30), 100, 0);
	CHECK_NEAR(rank_points(600, 480, 30), 0, 0);
	CHECK_NEAR(rank_points(70, 60, 60), 0, 0);          /* no range */
	CHECK_NEAR(rank_points(NAN, 50, 95), 0, 0);
}

TEST(round_to_the_printed_decimal)
{
	CHECK_NEAR(rank_round1(80.05), 80.1, 1e-12);   /* half up, although 80.05 is 80.0499.. */
	CHECK_NEAR(rank_round1(80.04999), 80.0, 1e-12);
	CHECK_NEAR(rank_round1(72.25), 72.3, 1e-12);
	CHECK_NEAR(rank_round1(0.35 * 80 + 0.65 * 80.07692307692308), 80.1, 1e-12); /* 80.05 */
	CHECK_NEAR(rank_round1(100), 100, 0);
	CHECK_NEAR(rank_round1(0), 0, 0);
}

TEST(grades_at_their_bands)
{
	rank_settings s;

	rank_settings_default(&s);
	CHECK_STR(rank_grade(&s, 100), "excellent");
	CHECK_STR(rank_grade(&s, 90), "excellent");
	CHECK_STR(rank_grade(&s, 89.9), "good");
	CHECK_STR(rank_grade(&s, 80), "good");
	CHECK_STR(rank_grade(&s, 79.9), "pass");
	CHECK_STR(rank_grade(&s, 60), "pass");
	CHECK_STR(rank_grade(&s, 59.9), "needs improvement");
	CHECK_STR(rank_grade(&s, 0), "needs improvement");
	s.grade_good = 75;
	CHECK_STR(rank_grade(&s, 75), "good");
}

TEST(defaults_sum_to_one)
{
	rank_settings s;
	double sum = 0;

	rank_settings_default(&s);
	for (int i = 0; i < RANK__NCOMP; i++)
		sum += s.weight[i];
	CHECK_NEAR(sum, 1, 1e-12);
	CHECK_INT(s.min_tickets, 20);
	CHECK_INT(s.min_surveys, 10);
	CHECK_STR(rank_comp_name(RANK_FRT), "frt");
	CHECK_STR(rank_comp_name(RANK__NCOMP), "?");
}

/* the centre used below: 1000 tickets, 800 resolved, 40 reopened, 500 surveys of which
 * 400 positive (80 %), FRT median 60 min, SLA 900 met of 1000 (90 %) */
static rank_counts centre(void)
{
	rank_counts c = { 1000, 800, 40, 500, 400, 1, 60, 900, 1000, 1 };

	return c;
}

static rank_entry entry(const char *name, int64_t tickets, int64_t resolved, int64_t reopened,
			int64_t surveys, int64_t positive, double frt, int64_t met, int64_t counted)
{
	rank_entry e;

	memset(&e, 0, sizeof e);
	e.name = (char *)(uintptr_t)name;
	e.c.tickets = tickets;
	e.c.resolved = resolved;
	e.c.reopened = reopened;
	e.c.has_reopen = resolved > 0;
	e.c.surveys = surveys;
	e.c.positive = positive;
	e.c.has_frt = frt >= 0;
	e.c.frt_median_min = frt;
	e.c.sla_met = met;
	e.c.sla_counted = counted;
	e.manager_mean = NAN;
	e.self_score = NAN;
	return e;
}

TEST(default_weights_worked_example)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e = entry("Ann", 80, 72, 0, 20, 18, 40, 76, 80);

	rank_settings_default(&s);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(e.eligible);
	/* satisfaction: 18/20 = 90 %, C = 80 %, n = 20, m = 20: (1800 + 1600) / 40 = 85;
	 * points 100 × (85 − 50) / (95 − 50) = 77.777778; × 0.35 = 27.222222 */
	CHECK_NEAR(e.part[RANK_SATISFACTION].raw, 90, 1e-12);
	CHECK_NEAR(e.part[RANK_SATISFACTION].corrected, 85, 1e-12);
	CHECK_NEAR(e.part[RANK_SATISFACTION].points, 700.0 / 9, 1e-9);
	/* resolution: 72/80 = 90 %, C 80 %, n = 80, m = 20: (7200 + 1600) / 100 = 88;
	 * points 100 × 38 / 45 = 84.444444; × 0.20 = 16.888889 */
	CHECK_NEAR(e.part[RANK_RESOLUTION].corrected, 88, 1e-12);
	CHECK_NEAR(e.part[RANK_RESOLUTION].points, 3800.0 / 45, 1e-9);
	/* frt: 40 min, C 60, n = 80 tickets, m = 20: (3200 + 1200) / 100 = 44;
	 * points 100 × (44 − 480) / (30 − 480) = 43600 / 450 = 96.888889; × 0.15 = 14.533333 */
	CHECK_NEAR(e.part[RANK_FRT].corrected, 44, 1e-12);
	CHECK_NEAR(e.part[RANK_FRT].points, 43600.0 / 450, 1e-9);
	/* sla: 76/80 = 95 %, C 90 %: (7600 + 1800) / 100 = 94; points 100 × 44 / 48 =
	 * 91.666667; × 0.20 = 18.333333 */
	CHECK_NEAR(e.part[RANK_SLA].corrected, 94, 1e-12);
	CHECK_NEAR(e.part[RANK_SLA].points, 4400.0 / 48, 1e-9);
	/* reopen: 0 of 72 reopened; not reopened 100 %, C 760/800 = 95 %, n = 72, m = 20:
	 * (7200 + 1900) / 92 = 98.913043 not reopened = 1.086957 % reopened;
	 * points 100 × (1.086957 − 20) / (2 − 20) = 105.07 capped to 100; × 0.10 = 10 */
	CHECK_NEAR(e.part[RANK_REOPEN].raw, 0, 1e-12);
	CHECK_NEAR(e.part[RANK_REOPEN].centre, 5, 1e-12);
	CHECK_NEAR(e.part[RANK_REOPEN].corrected, 100 - 9100.0 / 92, 1e-9);
	CHECK_NEAR(e.part[RANK_REOPEN].points, 100, 0);
	/* 27.222222 + 16.888889 + 14.533333 + 18.333333 + 10 = 86.977778 -> 87.0, good */
	CHECK_NEAR(e.kpi_score, 0.35 * 700.0 / 9 + 0.2 * 3800.0 / 45 + 0.15 * 43600.0 / 450 +
		   0.2 * 4400.0 / 48 + 10, 1e-9);
	CHECK_NEAR(e.kpi_score, 86.977778, 1e-6);
	CHECK_NEAR(e.score, 87.0, 1e-12);
	CHECK_STR(rank_grade(&s, e.score), "good");
}

/* satisfaction only, so that the arithmetic stays short */
static void satisfaction_only(rank_settings *s)
{
	rank_settings_default(s);
	for (int i = 0; i < RANK__NCOMP; i++)
		s->weight[i] = 0;
	s->weight[RANK_SATISFACTION] = 1;
}

TEST(two_lucky_surveys_cannot_top_two_hundred_good_ones)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e[2];

	satisfaction_only(&s);
	s.min_surveys = 0;   /* the correction alone must keep Lucky below Steady */
	s.min_tickets = 0;
	e[0] = entry("Lucky", 30, 27, 0, 2, 2, 30, 0, 0);
	e[1] = entry("Steady", 300, 270, 0, 200, 190, 30, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e[0]);
	rank_score(&s, &c, 0, "2026-10", &e[1]);
	/* Lucky: (2 × 100 + 20 × 80) / 22 = 81.818182 -> 100 × 31.818182 / 45 = 70.707071 */
	CHECK_NEAR(e[0].exact, 100 * (1800.0 / 22 - 50) / 45, 1e-9);
	CHECK_NEAR(e[0].score, 70.7, 1e-12);
	/* Steady: 190/200 = 95 %: (200 × 95 + 20 × 80) / 220 = 93.636364 -> 96.969697 */
	CHECK_NEAR(e[1].exact, 100 * (20600.0 / 220 - 50) / 45, 1e-9);
	CHECK_NEAR(e[1].score, 97.0, 1e-12);
	CHECK_INT(rank_order(e, 2), 2);
	CHECK_STR(e[0].name, "Steady");
	CHECK_INT(e[0].rank, 1);
	CHECK_STR(e[1].name, "Lucky");

	/* the same with the Wilson lower bound: Lucky 1/2.9208 = 34.237 % -> 0 points (below
	 * the floor of 50); Steady 190/200 -> about 91.0 % -> about 91 points */
	s.correction = RANK_WILSON;
	e[0] = entry("Lucky", 30, 27, 0, 2, 2, 30, 0, 0);
	e[1] = entry("Steady", 300, 270, 0, 200, 190, 30, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e[0]);
	rank_score(&s, &c, 0, "2026-10", &e[1]);
	CHECK_NEAR(e[0].part[RANK_SATISFACTION].corrected, 100 / 2.9208, 1e-9);
	CHECK_NEAR(e[0].score, 0, 0);
	CHECK(e[1].score > 85);
	rank_order(e, 2);
	CHECK_STR(e[0].name, "Steady");

	/* and with the default minimum of 10 surveys Lucky is not ranked at all */
	rank_settings_default(&s);
	e[0] = entry("Lucky", 30, 27, 0, 2, 2, 30, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e[0]);
	CHECK(!e[0].eligible);
	CHECK_STR(e[0].reason, "2 surveys, below the minimum of 10");
}

TEST(eligibility_exactly_at_the_minimum)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e;

	rank_settings_default(&s);
	e = entry("Edge", 20, 18, 0, 10, 9, 30, 18, 20);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(e.eligible);
	CHECK_STR(e.reason, "");
	e = entry("Short", 19, 18, 0, 10, 9, 30, 18, 19);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(!e.eligible);
	CHECK_STR(e.reason, "19 tickets, below the minimum of 20");
	e = entry("Quiet", 20, 18, 0, 9, 9, 30, 18, 20);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(!e.eligible);
	CHECK_STR(e.reason, "9 surveys, below the minimum of 10");
	e = entry("One", 1, 1, 0, 10, 9, 30, 1, 1);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK_STR(e.reason, "1 ticket, below the minimum of 20");
	e = entry("New", 3, 1, 0, 0, 0, -1, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(!e.eligible);
	CHECK_STR(e.reason, "3 tickets and 0 surveys, below the minimums of 20 tickets and 10 surveys");
}

static rank_entry scored(const char *name, double exact, int64_t surveys, int64_t tickets)
{
	rank_entry e = entry(name, tickets, 0, 0, surveys, 0, -1, 0, 0);

	e.eligible = 1;
	e.exact = exact;
	e.score = rank_round1(exact);
	return e;
}

TEST(order_is_fully_determined_and_ties_share_a_rank)
{
	rank_entry e[7];

	/* given in a scrambled order */
	e[0] = scored("Dan", 85.0, 30, 50);
	e[1] = scored("Bea", 90.0, 30, 60);
	e[2] = scored("Cid", 85.0, 30, 60);
	e[3] = scored("Ava", 90.0, 40, 40);
	e[4] = scored("Eve", 80.0, 30, 50);
	e[5] = scored("Abe", 80.0, 30, 50);
	e[6] = scored("Gus", 12.0, 30, 50);
	e[6].eligible = 0;
	CHECK_INT(rank_order(e, 7), 6);
	/* 90.0: Ava (40 surveys) before Bea (30); both rank 1 */
	CHECK_STR(e[0].name, "Ava"); CHECK_INT(e[0].rank, 1);
	CHECK_STR(e[1].name, "Bea"); CHECK_INT(e[1].rank, 1);
	/* 85.0, same surveys: Cid (60 tickets) before Dan (50); rank 3 (two ahead) */
	CHECK_STR(e[2].name, "Cid"); CHECK_INT(e[2].rank, 3);
	CHECK_STR(e[3].name, "Dan"); CHECK_INT(e[3].rank, 3);
	/* 80.0, same surveys and tickets: by name; rank 5 */
	CHECK_STR(e[4].name, "Abe"); CHECK_INT(e[4].rank, 5);
	CHECK_STR(e[5].name, "Eve"); CHECK_INT(e[5].rank, 5);
	/* the unranked after them, rank 0, no flags */
	CHECK_STR(e[6].name, "Gus"); CHECK_INT(e[6].rank, 0); CHECK_INT(e[6].flags, 0);
}

TEST(tie_only_when_equal_to_the_printed_decimal)
{
	rank_entry e[3];

	/* 85.04 and 85.01 both print 85.0: a tie, ordered by surveys (Kim has more) although
	 * Lee's exact score is higher; 85.06 prints 85.1 and is ahead alone */
	e[0] = scored("Lee", 85.04, 20, 50);
	e[1] = scored("Kim", 85.01, 25, 50);
	e[2] = scored("Max", 85.06, 10, 50);
	rank_order(e, 3);
	CHECK_STR(e[0].name, "Max"); CHECK_INT(e[0].rank, 1);
	CHECK_STR(e[1].name, "Kim"); CHECK_INT(e[1].rank, 2);
	CHECK_STR(e[2].name, "Lee"); CHECK_INT(e[2].rank, 2);
}

TEST(flags_top_and_bottom2)
{
	rank_entry e[5];

	e[0] = scored("A", 95, 30, 50);
	e[1] = scored("B", 85, 30, 50);
	e[2] = scored("C", 75, 30, 50);
	e[3] = scored("D", 65, 30, 50);
	e[4] = scored("E", 55, 30, 50);
	rank_order(e, 5);
	CHECK_INT(e[0].flags, RANK_FLAG_TOP);
	CHECK_INT(e[1].flags, 0);
	CHECK_INT(e[2].flags, 0);
	CHECK_INT(e[3].flags, RANK_FLAG_BOTTOM2);
	CHECK_INT(e[4].flags, RANK_FLAG_BOTTOM2);
	CHECK(!rank_is_last(&e[3], e, 5));
	CHECK(rank_is_last(&e[4], e, 5));
	CHECK(!rank_is_last(&e[0], e, 5));

	/* a three-way tie at the bottom: none of them has more than one below: all flagged */
	e[0] = scored("A", 95, 30, 50);
	e[1] = scored("B", 85, 30, 50);
	e[2] = scored("C", 70, 30, 50);
	e[3] = scored("D", 70, 30, 50);
	e[4] = scored("E", 70, 30, 50);
	rank_order(e, 5);
	CHECK_INT(e[1].flags, 0);
	CHECK_INT(e[2].flags, RANK_FLAG_BOTTOM2);
	CHECK_INT(e[4].flags, RANK_FLAG_BOTTOM2);
	CHECK(rank_is_last(&e[2], e, 5) && rank_is_last(&e[4], e, 5));

	/* two ranked: no bottom2 (the top would be in it); the second is last */
	e[0] = scored("A", 95, 30, 50);
	e[1] = scored("B", 85, 30, 50);
	rank_order(e, 2);
	CHECK_INT(e[0].flags, RANK_FLAG_TOP);
	CHECK_INT(e[1].flags, 0);
	CHECK(rank_is_last(&e[1], e, 2));

	/* everyone tied: all top, nobody in the bottom two, nobody last */
	e[0] = scored("A", 80, 30, 50);
	e[1] = scored("B", 80, 30, 50);
	e[2] = scored("C", 80, 30, 50);
	rank_order(e, 3);
	CHECK_INT(e[2].rank, 1);
	CHECK_INT(e[2].flags, RANK_FLAG_TOP);
	CHECK(!rank_is_last(&e[2], e, 3));
}

TEST(a_weight_change_flips_two_agents)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e[2];

	/* satisfaction and resolution only, no correction (m = 0) so the points are plain:
	 * Sat: csat 95 % -> 100 points; resolution 59 % -> 100 × 9 / 45 = 20 points
	 * Res: csat 68 % -> 100 × 18 / 45 = 40 points; resolution 95 % -> 100 points */
	rank_settings_default(&s);
	for (int i = 0; i < RANK__NCOMP; i++)
		s.weight[i] = 0;
	s.prior_surveys = s.prior_tickets = 0;
	s.weight[RANK_SATISFACTION] = 0.7;
	s.weight[RANK_RESOLUTION] = 0.3;
	e[0] = entry("Res", 100, 95, 0, 50, 34, 30, 0, 0);
	e[1] = entry("Sat", 100, 59, 0, 40, 38, 30, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e[0]);
	rank_score(&s, &c, 0, "2026-10", &e[1]);
	/* 0.7/0.3: Sat 0.7 × 100 + 0.3 × 20 = 76.0; Res 0.7 × 40 + 0.3 × 100 = 58.0 */
	CHECK_NEAR(e[1].score, 76.0, 1e-12);
	CHECK_NEAR(e[0].score, 58.0, 1e-12);
	rank_order(e, 2);
	CHECK_STR(e[0].name, "Sat");
	/* 0.3/0.7: Sat 0.3 × 100 + 0.7 × 20 = 44.0; Res 0.3 × 40 + 0.7 × 100 = 82.0 */
	s.weight[RANK_SATISFACTION] = 0.3;
	s.weight[RANK_RESOLUTION] = 0.7;
	rank_score(&s, &c, 0, "2026-10", &e[0]);
	rank_score(&s, &c, 0, "2026-10", &e[1]);
	rank_order(e, 2);
	CHECK_STR(e[0].name, "Res");
	CHECK_NEAR(e[0].score, 82.0, 1e-12);
	CHECK_NEAR(e[1].score, 44.0, 1e-12);
}

TEST(assessment_blend)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e;

	satisfaction_only(&s);
	s.prior_surveys = 0;
	s.assessment_weight = 0.3;
	s.self_weight = 0.3;
	/* csat 86 % -> 100 × 36 / 45 = 80 points = kpi score */
	e = entry("Ann", 40, 30, 0, 50, 43, 30, 0, 0);
	e.manager_mean = 90;
	e.manager_n = 1;
	e.self_score = 70;
	rank_score(&s, &c, 1, "2026-10", &e);
	CHECK(e.eligible);
	CHECK_NEAR(e.kpi_score, 80, 1e-9);
	/* assessment 0.7 × 90 + 0.3 × 70 = 84; score 0.7 × 80 + 0.3 × 84 = 56 + 25.2 = 81.2 */
	CHECK_NEAR(e.assessment, 84, 1e-9);
	CHECK_NEAR(e.score, 81.2, 1e-12);
	/* without a self-assessment the manager's stands alone: 0.7 × 80 + 0.3 × 90 = 83 */
	e.self_score = NAN;
	rank_score(&s, &c, 1, "2026-10", &e);
	CHECK_NEAR(e.score, 83.0, 1e-12);
	/* without a manager's assessment: not ranked */
	e.manager_n = 0;
	e.manager_mean = NAN;
	e.self_score = 100;
	rank_score(&s, &c, 1, "2026-10", &e);
	CHECK(!e.eligible);
	CHECK_STR(e.reason, "no manager assessment for 2026-10");
	/* assessments off: the KPI score alone */
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK(e.eligible);
	CHECK_NEAR(e.score, 80.0, 1e-12);
}

TEST(reopen_lower_is_better)
{
	rank_settings s;
	rank_counts c = centre();
	rank_entry e;

	rank_settings_default(&s);
	/* 10 of 100 resolved reopened; not reopened 90 %, centre 95 %, m = 20:
	 * (100 × 90 + 20 × 95) / 120 = 10900 / 120 = 90.833333 -> 9.166667 % reopened;
	 * points 100 × (9.166667 − 20) / (2 − 20) = 60.185185 */
	e = entry("Rae", 120, 100, 10, 30, 25, 30, 0, 0);
	rank_score(&s, &c, 0, "2026-10", &e);
	CHECK_NEAR(e.part[RANK_REOPEN].raw, 10, 1e-12);
	CHECK_NEAR(e.part[RANK_REOPEN].corrected, 100 - 10900.0 / 120, 1e-9);
	CHECK_NEAR(e.part[RANK_REOPEN].points, 100 * (100 - 10900.0 / 120 - 20) / -18, 1e-9);
	CHECK_NEAR(e.part[RANK_REOPEN].points, 60.185185, 1e-6);
	/* no SLA outcome for the agent (n = 0): the centre's 90 % -> 100 × 40 / 48 */
	CHECK_NEAR(e.part[RANK_SLA].corrected, 90, 1e-12);
	CHECK_NEAR(e.part[RANK_SLA].points, 4000.0 / 48, 1e-9);
}

/* the result sets and --explain of a board filled by hand with the worked example above */
TEST(board_result_sets_and_explain)
{
	rank_board b;
	rank_entry *e = calloc(3, sizeof *e);
	const skpi_result *rk, *un;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	skpi_diag d;
	static const char *const cols[] = { "rank", "agent", "score", "grade", "tickets", "surveys",
		"satisfaction_points", "resolution_points", "frt_points", "sla_points", "reopen_points",
		"prev_rank", "rank_change", "flags" };

	if (!e)
		return;
	memset(&b, 0, sizeof b);
	rank_settings_default(&b.s);
	CHECK_INT(period_parse("2026-10", 0, &b.period, NULL), SKPI_OK);
	b.centre = centre();
	e[0] = entry("Short", 19, 18, 0, 10, 9, 30, 18, 19);
	e[1] = entry("Bob", 100, 70, 10, 30, 21, 90, 80, 100);
	e[2] = entry("Ann", 80, 72, 0, 20, 18, 40, 76, 80);
	for (int i = 0; i < 3; i++) {
		e[i].name = strdup(e[i].name);
		rank_score(&b.s, &b.centre, 0, "2026-10", &e[i]);
	}
	b.entries = e;
	b.nentries = 3;
	b.nranked = rank_order(e, 3);
	CHECK_INT(b.nranked, 2);
	CHECK_STR(e[0].name, "Ann");
	e[0].prev_rank = 3;
	CHECK_INT(rank_board_results(&b, NULL), SKPI_OK);
	rk = b.ranked;
	un = b.unranked;
	CHECK_INT(rk->ncols, 14);
	for (size_t i = 0; i < rk->ncols && i < 14; i++)
		CHECK_STR(rk->cols[i].name, cols[i]);
	CHECK_INT(rk->nrows, 2);
	CHECK_INT(skpi_result_get(rk, 0, 0)->i, 1);
	CHECK_STR(skpi_result_get(rk, 0, 1)->s, "Ann");
	CHECK_NEAR(skpi_result_get(rk, 0, 2)->r, 87.0, 1e-12);
	CHECK_STR(skpi_result_get(rk, 0, 3)->s, "good");
	CHECK_INT(skpi_result_get(rk, 0, 4)->i, 80);
	CHECK_INT(skpi_result_get(rk, 0, 5)->i, 20);
	CHECK_NEAR(skpi_result_get(rk, 0, 6)->r, 700.0 / 9, 1e-9);
	CHECK_INT(skpi_result_get(rk, 0, 11)->i, 3);
	CHECK_INT(skpi_result_get(rk, 0, 12)->i, 2);       /* 3 - 1: moved up two */
	CHECK_STR(skpi_result_get(rk, 0, 13)->s, "top");
	CHECK(skpi_result_get(rk, 1, 11)->is_null);        /* Bob: not ranked before */
	CHECK(skpi_result_get(rk, 1, 12)->is_null);
	CHECK(skpi_result_get(rk, 1, 13)->is_null);        /* no flags: NULL */
	CHECK_INT(un->nrows, 1);
	CHECK_STR(skpi_result_get(un, 0, 0)->s, "Short");
	CHECK_STR(skpi_result_get(un, 0, 3)->s, "19 tickets, below the minimum of 20");

	fp = open_memstream(&text, &len);
	CHECK(fp != NULL);
	if (fp) {
		CHECK_INT(rank_explain(fp, &b, "Ann", NULL), SKPI_OK);
		fclose(fp);
		CHECK(strstr(text, "    corrected   (n x x + m x C) / (n + m) with n = 20 surveys, m = 20:\n"
			    "                (20 x 90.000000 + 20 x 80.000000) / (20 + 20) = 85.000000 %\n") != NULL);
		CHECK(strstr(text, "    points      100 x (85.000000 - 50) / (95 - 50) = 77.777778   "
			    "(floor 50 = 0, target 95 = 100)\n") != NULL);
		CHECK(strstr(text, "\nKPI score    27.222222 + 16.888889 + 14.533333 + 18.333333 + "
			    "10.000000 = 86.977778\n") != NULL);
		CHECK(strstr(text, "\nScore        86.977778, rounded to one decimal: 87.0\n") != NULL);
		CHECK(strstr(text, "\nRank         1 of 2 ranked; previous period 3, change +2\n") != NULL);
		CHECK(strstr(text, "\nFlags        top\n") != NULL);
		free(text);
	}
	skpi_diag_clear(&d);
	fp = open_memstream(&text, &len);
	if (fp) {
		CHECK_INT(rank_explain(fp, &b, "Nobody", &d), SKPI_ERR_USAGE);
		fclose(fp);
		free(text);
	}
	rank_board_free(calloc(1, sizeof b));   /* an empty board frees cleanly */
	for (size_t i = 0; i < 3; i++)
		free(e[i].name);
	free(e);
	skpi_result_free(b.ranked);
	skpi_result_free(b.unranked);
}

/* --- [ranking] from a config file ------------------------------------------------------ */

static char cfg_dir[64];

/* write text to a config file and load it: the settings' error (SKPI_OK when valid) */
static skpi_err load_ranking(const char *text, rank_settings *s, skpi_diag *d, char *path, size_t n)
{
	skpi_config *cfg = NULL;
	FILE *fp;
	skpi_err e;

	snprintf(path, n, "%s/rank.ini", cfg_dir);
	fp = fopen(path, "w");
	if (!fp)
		return SKPI_ERR_IO;
	fputs(text, fp);
	fclose(fp);
	skpi_diag_clear(d);
	e = config_load(path, &cfg, d);
	if (!e)
		e = rank_settings_load(cfg, s, d);
	config_free(cfg);
	return e;
}

#define CHECK_MSG(d, want) do { if (strcmp((d).msg, (want)) != 0) { char m_[600]; \
		snprintf(m_, sizeof m_, "msg == \"%.250s\", want \"%.250s\"", (d).msg, (want)); \
		unit_fail(__FILE__, __LINE__, m_); } } while (0)

TEST(settings_defaults_are_the_config_tables)
{
	rank_settings a, b;

	/* lib/config.c's table and rank_settings_default must say the same */
	rank_settings_default(&b);
	CHECK_INT(rank_settings_load(NULL, &a, NULL), SKPI_OK);
	for (int i = 0; i < RANK__NCOMP; i++) {
		CHECK_NEAR(a.weight[i], b.weight[i], 0);
		CHECK_NEAR(a.floor[i], b.floor[i], 0);
		CHECK_NEAR(a.target[i], b.target[i], 0);
	}
	CHECK_INT(a.min_tickets, b.min_tickets);
	CHECK_INT(a.min_surveys, b.min_surveys);
	CHECK_INT(a.correction, b.correction);
	CHECK_NEAR(a.wilson_z, b.wilson_z, 0);
	CHECK_NEAR(a.prior_surveys, b.prior_surveys, 0);
	CHECK_NEAR(a.prior_tickets, b.prior_tickets, 0);
	CHECK_NEAR(a.assessment_weight, b.assessment_weight, 0);
	CHECK_NEAR(a.self_weight, b.self_weight, 0);
	CHECK_NEAR(a.grade_excellent, b.grade_excellent, 0);
	CHECK_NEAR(a.grade_good, b.grade_good, 0);
	CHECK_NEAR(a.grade_pass, b.grade_pass, 0);
}

TEST(settings_from_a_file)
{
	rank_settings s;
	skpi_diag d;
	char path[128];
	skpi_err e;

	e = load_ranking("[ranking]\nweight_satisfaction = 0.5\nweight_resolution = 0.5\n"
			 "weight_frt = 0\nweight_sla = 0\nweight_reopen = 0\ncorrection = wilson\n"
			 "wilson_z = 2.58\nmin_surveys = 15\nassessment_weight = 0.3\n"
			 "self_assessment_weight = 0.3\n", &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_OK);
	CHECK_NEAR(s.weight[RANK_SATISFACTION], 0.5, 0);
	CHECK_NEAR(s.weight[RANK_SLA], 0, 0);
	CHECK_INT(s.correction, RANK_WILSON);
	CHECK_NEAR(s.wilson_z, 2.58, 0);
	CHECK_INT(s.min_surveys, 15);
	CHECK_INT(s.min_tickets, 20);
	CHECK_NEAR(s.assessment_weight, 0.3, 0);
	CHECK_NEAR(s.self_weight, 0.3, 0);
	/* 0.1 + 0.2 + 0.3 + 0.25 + 0.15 is 1 only to the binary noise: accepted */
	e = load_ranking("[ranking]\nweight_satisfaction = 0.1\nweight_resolution = 0.2\n"
			 "weight_frt = 0.3\nweight_sla = 0.25\nweight_reopen = 0.15\n",
			 &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_OK);
}

TEST(settings_errors_at_their_line)
{
	rank_settings s;
	skpi_diag d;
	char path[128];
	skpi_err e;

	/* 0.5 + 0.4 = 0.9: reported at the first weight in the file (line 3), not rescaled */
	e = load_ranking("# weights\n[ranking]\nweight_resolution = 0.4\nweight_satisfaction = 0.5\n"
			 "weight_frt = 0\nweight_sla = 0\nweight_reopen = 0\n", &s, &d, path,
			 sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK(strcmp(d.file, path) == 0);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d, "the weights sum to 0.9, not 1: weight_satisfaction 0.5 + weight_resolution 0.4 + "
		  "weight_frt 0 + weight_sla 0 + weight_reopen 0");
	/* only one weight changed from the defaults: 0.45 + 0.2 + 0.15 + 0.2 + 0.1 = 1.1 */
	e = load_ranking("[ranking]\nmin_tickets = 5\nweight_satisfaction = 0.45\n", &s, &d, path,
			 sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	/* a floor equal to its target */
	e = load_ranking("[ranking]\nsatisfaction_floor = 60\nsatisfaction_target = 60\n", &s, &d,
			 path, sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d, "satisfaction_target equals satisfaction_floor (60): the points need a range");
	/* a target on the wrong side: longer first responses are not better */
	e = load_ranking("[ranking]\n\nfrt_target = 600\n", &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d, "frt_target 600 is above frt_floor 480");
	e = load_ranking("[ranking]\nresolution_target = 40\n", &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_MSG(d, "resolution_target 40 is below resolution_floor 50");
	/* grade bands out of order */
	e = load_ranking("[ranking]\ngrade_good = 95\n", &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 2);
	CHECK_MSG(d, "the grade bands are not in order: grade_excellent 90, grade_good 95, grade_pass 60");
	/* an unknown correction */
	e = load_ranking("[ranking]\nmin_surveys = 3\ncorrection = bayes\n", &s, &d, path,
			 sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d, "correction 'bayes' is not shrinkage or wilson");
	/* out of the table's range: config_load itself refuses it */
	e = load_ranking("[ranking]\nweight_sla = 1.5\n", &s, &d, path, sizeof path);
	CHECK_INT(e, SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 2);
}

int main(void)
{
	RUN(wilson_matches_published_values);
	RUN(wilson_by_hand);
	RUN(shrinkage_weighted_rating);
	RUN(points_linear_and_capped);
	RUN(round_to_the_printed_decimal);
	RUN(grades_at_their_bands);
	RUN(defaults_sum_to_one);
	RUN(default_weights_worked_example);
	RUN(two_lucky_surveys_cannot_top_two_hundred_good_ones);
	RUN(eligibility_exactly_at_the_minimum);
	RUN(order_is_fully_determined_and_ties_share_a_rank);
	RUN(tie_only_when_equal_to_the_printed_decimal);
	RUN(flags_top_and_bottom2);
	RUN(a_weight_change_flips_two_agents);
	RUN(assessment_blend);
	RUN(reopen_lower_is_better);
	RUN(board_result_sets_and_explain);
	snprintf(cfg_dir, sizeof cfg_dir, "/tmp/skpi-rank.XXXXXX");
	if (!mkdtemp(cfg_dir)) {
		printf("not ok - cannot create a temporary directory\n");
		return 1;
	}
	RUN(settings_defaults_are_the_config_tables);
	RUN(settings_from_a_file);
	RUN(settings_errors_at_their_line);
	{
		char p[128];

		snprintf(p, sizeof p, "%s/rank.ini", cfg_dir);
		unlink(p);
		rmdir(cfg_dir);
	}
	return unit_done();
}
