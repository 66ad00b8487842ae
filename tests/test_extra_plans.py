"""Treatment plans, plan lines and print options, group notes and multi-visit groups (generators/extra/plans.py),
from one small run into a scratch database, and their checks (validators/extra/plans.py)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AS_OF, check_violations, query

from config import load_config
from contract import tables as registry
from generators import engine
from generators.extra import plans
from validators.extra import plans as plan_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS, SEED = 1000, 7  # the size and seed test_run.py uses: large enough for the rate validators
TODAY = date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def db(shared_practice):
    return shared_practice.db


def violations(db: str, changes: str = "") -> dict[str, int]:
    """Each check of validators/extra/plans.py on the run's data, after `changes` (rolled back)."""
    return check_violations(db, plan_checks.checks(), changes or None)


def test_checks_pass_on_generated_data(db):
    assert violations(db) == {c.name: 0 for c in plan_checks.checks()}


def test_treatplan_holds_completed_booked_and_stalled_work(db):
    (plans_, patients, staged), = query(db, """
        SELECT count(*), count(DISTINCT "PatNum"), count(*) FILTER (WHERE "DateTP" >= '2023-01-01')
        FROM raw.treatplan WHERE "TPStatus" = 0 AND NOT "TPType" """)
    assert plans_ == staged > PATIENTS / 3 and patients > PATIENTS / 4
    outcomes = dict(query(db, """
        SELECT outcome, count(*) FROM (
            SELECT CASE WHEN bool_and(p."ProcStatus" = 2) THEN 'done' WHEN max(p."ProcDate") < %s - 90 THEN 'stalled'
                        ELSE 'pending' END AS outcome
            FROM raw.treatplan t JOIN raw.treatplanattach a USING ("TreatPlanNum")
            JOIN raw.procedurelog p USING ("ProcNum") GROUP BY t."TreatPlanNum") AS plan GROUP BY outcome""",
                          (TODAY,)))
    assert set(outcomes) == {"done", "pending", "stalled"}, outcomes
    assert outcomes["done"] > outcomes["stalled"] > 0
    # work planned at an earlier visit and completed since: the same procedure, now complete
    (later,), = query(db, """SELECT count(*) FROM raw.treatplan t JOIN raw.treatplanattach a USING ("TreatPlanNum")
                             JOIN raw.procedurelog p USING ("ProcNum")
                             WHERE p."ProcStatus" = 2 AND p."ProcDate" > t."DateTP" """)
    assert later > 0


def test_treatplan_delay_window_is_enforced(db):
    """A stalled plan moved to 120 days old is a 'Delayed' opportunity, which D-treatplan-02 reports."""
    stalled = """SELECT t."TreatPlanNum" FROM raw.treatplan t JOIN raw.treatplanattach a USING ("TreatPlanNum")
                 JOIN raw.procedurelog p USING ("ProcNum") GROUP BY 1
                 HAVING bool_and(p."ProcStatus" = 1) AND max(p."ProcDate") < DATE '{d}' - 150 LIMIT 1"""
    moved = f"""UPDATE raw.treatplan SET "DateTP" = DATE '{AS_OF}' - 120
                WHERE "TreatPlanNum" = ({stalled.format(d=AS_OF)})"""
    assert violations(db, moved)["D-treatplan-02 no Recent or Delayed plan"] == 1


def test_treatplanattach_and_proctp_list_the_same_procedures(db):
    (attached, lines, mismatched), = query(db, """
        SELECT (SELECT count(*) FROM raw.treatplanattach), (SELECT count(*) FROM raw.proctp),
               (SELECT count(*) FROM (SELECT "TreatPlanNum", "ProcNum" FROM raw.treatplanattach
                                      EXCEPT SELECT "TreatPlanNum", "ProcNumOrig" FROM raw.proctp) d)""")
    assert attached == lines > 0 and mismatched == 0


def test_proctp_copies_the_procedure_and_splits_its_fee(db):
    (lines, same, insured, balanced), = query(db, """
        SELECT count(*),
               count(*) FILTER (WHERE l."ProcCode" = c."ProcCode" AND l."FeeAmt" = p."ProcFee"
                                  AND l."ToothNumTP" = p."ToothNum" AND l."Surf" = p."Surf"),
               count(*) FILTER (WHERE l."PriInsAmt" > 0),
               count(*) FILTER (WHERE abs(l."PriInsAmt" + l."SecInsAmt" + l."Discount" + l."PatAmt" - l."FeeAmt")
                                      < 0.005)
        FROM raw.proctp l JOIN raw.procedurelog p ON p."ProcNum" = l."ProcNumOrig"
        JOIN raw.procedurecode c USING ("CodeNum")""")
    assert lines == same == balanced
    assert 0 < insured < lines


def test_treatplanparam_one_per_plan(db):
    (plans_, params, same_patient), = query(db, """
        SELECT (SELECT count(*) FROM raw.treatplan), count(DISTINCT r."TreatPlanNum"),
               count(*) FILTER (WHERE r."PatNum" = t."PatNum")
        FROM raw.treatplanparam r JOIN raw.treatplan t USING ("TreatPlanNum")""")
    assert plans_ == params == same_patient


def test_procgroupitem_groups_one_visits_completed_procedures(db):
    groups = query(db, """
        SELECT count(*), count(DISTINCT p."AptNum"), bool_and(p."ProcStatus" = 2), min(p."ProcDate"),
               bool_or(p."ProcNum" = g."GroupNum")
        FROM raw.procgroupitem g JOIN raw.procedurelog p USING ("ProcNum") GROUP BY g."GroupNum" """)
    assert len(groups) > 50
    assert all(n >= 2 and visits == 1 and done and day >= date(2023, 1, 1) and named
               for n, visits, done, day, named in groups)


def test_procmultivisit_marks_multi_visit_work(db):
    rows = query(db, """
        SELECT c."ProcCode", m."ProcStatus" = p."ProcStatus", m."PatNum" = p."PatNum",
               m."SecDateTEntry" <= m."SecDateTEdit", m."SecDateTEntry" >= '2023-01-01'
        FROM raw.procmultivisit m JOIN raw.procedurelog p USING ("ProcNum")
        JOIN raw.procedurecode c USING ("CodeNum")""")
    assert len(rows) > 50
    assert {code for code, *_ in rows} <= plans.MULTI_VISIT_CODES | plans.WITH_CROWN
    assert all(all(flags) for _, *flags in rows)


def test_rows_do_not_depend_on_which_chunks_are_generated(tmp_path):
    """A chunk's rows are the same generated alone or after another (workers and shards rely on it)."""
    run = engine.prepare(load_config(["--patients", "1200", "--seed", str(SEED), "--as-of", AS_OF], {}, tmp_path,
                                     TODAY))
    assert len(run.chunks) >= 2
    alone = engine.chunk_rows(run, 1)
    engine.chunk_rows(run, 0)
    again = engine.chunk_rows(run, 1)
    assert all(alone[t] == again[t] and len(alone[t]) > 0 for t in registry.written_by("generators/extra/plans.py"))
