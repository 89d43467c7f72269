"""The dated timeline of a synthetic chunk: lesions, scans with findings, local treatments, RT courses.

Why simulate, then record: each patient has a true course — lesions found at the metastatic diagnosis, one
restaging scan per systemic line (or follow-up scans without one), a response at each, new lesions at some
progressions, treatments of the primary and of lesions — and the tables then record it with gaps (a list
omitted, a scan's findings not recorded, a field left NULL). The lesion summary is the status on the latest
scan that *recorded* it, so no case contradicts itself (case/timeline.py) and the timeline rules
(residual lesions, restaging response, progression on therapy, oligoprogression, oligorecidiv after
curative treatment of the primary, RT-course checks) see real data. Everything is a numpy operation over
all lesions (or lesion × time point) of the chunk: the only loop is over the three restaging time points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from oligoboard.cohort import distributions as dist
from oligoboard.cohort.columns import Columns, cat, draw, num, rows_of

Arrays = dict[str, NDArray[Any]]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]

#: case-contract lesion statuses, in the order of the codes below
STATUS = ("new", "progressing", "stable", "responding", "complete_response")
NEW, PROGRESSING, STABLE, RESPONDING, CR = range(5)
#: scan responses (RECIST 1.1), codes shared with `dist.BEST_RESPONSE` for the first four
RESPONSE = ("CR", "PR", "SD", "PD", "NE")
SLOTS = 4  # time point 0 = staging, 1-3 = restaging of line 1-3 (or follow-up 1-2 without a line)
#: scan id per (time point, brain): code = 2 * time point + brain
SCAN_IDS = ("PET1", "MRI1", "CT2", "MRI2", "CT3", "MRI3", "CT4", "MRI4")
MAX_LESION = 15 + SLOTS - 1
LESION_IDS = tuple(f"L{i}" for i in range(1, MAX_LESION + 1))
TARGETS = ("primary", *LESION_IDS)
LOCAL_MODALITY = ("surgery", "sbrt", "srs", "conventional_rt", "chemoradiotherapy", "rfa", "other")
INTENT = ("curative", "ablative", "palliative")
REGIMEN_NAMES = tuple(r[0] for r in dist.RT_REGIMENS)


def _missing(rng: np.random.Generator, field: str, n: int) -> Mask:
    return rng.random(n) < dist.MISSING[field]


def _any(offsets: I64, flag: Mask) -> Mask:
    """Per patient: does any of its rows have `flag` (rows grouped by patient, none without a row)."""
    result: Mask = np.logical_or.reduceat(flag, offsets[:-1])
    return result


def _first(owner: I64, flag: Mask) -> Mask:
    """The first flagged row of each patient (rows are grouped by patient)."""
    idx = np.flatnonzero(flag)
    keep = np.ones(len(idx), dtype=np.bool_)
    keep[1:] = owner[idx][1:] != owner[idx][:-1]
    out = np.zeros(len(flag), dtype=np.bool_)
    out[idx[keep]] = True
    return out


def _time_points(rng: np.random.Generator, f: Arrays) -> Arrays:
    """Per (patient, time point): exists, date, PD forced/allowed (the draw row), purpose restaging."""
    n = len(f["assessment"])
    a = f["assessment"]
    pet = f["metastatic"] - rng.integers(0, 15, size=n)
    date = np.zeros((n, SLOTS), dtype=np.int64)
    exists = np.zeros((n, SLOTS), dtype=np.bool_)
    date[:, 0], exists[:, 0] = pet, True
    start, end, ongoing = f["line_start"], f["line_end"], f["line_ongoing"]
    ended_scan = end - rng.integers(0, 8, size=end.shape)
    ongoing_scan = start + rng.integers(56, 91, size=start.shape)
    line_date = np.where(ongoing, ongoing_scan, ended_scan)
    line_ok = f["line_exists"] & np.where(ongoing, ongoing_scan <= a[:, None], ended_scan >= start + 14)
    follow = f["metastatic"][:, None] + 120 * np.arange(1, SLOTS) + rng.integers(-10, 11, size=(n, SLOTS - 1))
    follow_ok = (f["lines"] == 0)[:, None] & (follow <= a[:, None]) & (np.arange(1, SLOTS) <= 2)
    date[:, 1:] = np.where(follow_ok, follow, line_date)
    exists[:, 1:] = line_ok | follow_ok
    progression = f["line_reason"] == 0  # END_REASON order: progression first
    # draw rows (CR, PR, SD, PD): 0 = forced PD (line ended by progression), 1 ongoing, 2 ended, 3 follow-up
    which = np.where(follow_ok, 3, np.where(ongoing, 1, np.where(progression, 0, 2)))
    return {"date": date, "exists": exists, "which": which, "restaging": ~follow_ok}


_DRAWS = np.asarray(
    [(0.0, 0.0, 0.0, 1.0), dist.RESTAGING_DRAW, dist.RESTAGING_DRAW_ENDED, dist.FOLLOW_UP_DRAW],
    dtype=np.float64,
)


def _patient_draw(rng: np.random.Generator, which: I64) -> I64:
    """A CR/PR/SD/PD draw per patient from its row of `_DRAWS`."""
    cum = np.cumsum(_DRAWS, axis=1)[which]
    u = rng.random(len(which))[:, None]
    codes: I64 = np.minimum((u >= cum).sum(axis=1), 3).astype(np.int64)
    return codes


def _lesion_frame(rng: np.random.Generator, f: Arrays, pd: Mask) -> Arrays:
    """Per patient its k baseline lesions, then one potential new lesion per PD time point, in one block.

    Rows are grouped by patient and, within a patient, in lesion-number order (baseline 1..k, then the new
    ones in time order), so every table built from them is already sorted and every patient has a row.
    New lesions appear only at PD time points (drawn before the lesions), so only those get a row.
    """
    n = len(f["assessment"])
    counts = f["lesions"]
    potential = pd[:, 1:].sum(axis=1)
    block = counts + potential
    m = int(block.sum())
    offsets = np.r_[0, np.cumsum(block)]
    owner = np.repeat(np.arange(n), block)
    position = np.arange(m) - np.repeat(offsets[:-1], block)  # 0-based within the patient
    base = position < counts[owner]
    pd_slot = np.nonzero(pd[:, 1:])[1] + 1  # grouped by patient, in time order
    pd_first = np.r_[0, np.cumsum(potential)][:-1]
    k = position - counts[owner]
    slot = np.where(base, 0, pd_slot[np.where(base, 0, pd_first[owner] + k)] if len(pd_slot) else 0)
    u = rng.random(m)
    new_organs = np.asarray([dist.ORGAN[0].index(o) for o in dist.NEW_LESION_ORGAN[0]])
    base_cum = np.cumsum(dist.ORGAN[1]) / sum(dist.ORGAN[1])
    new_cum = np.cumsum(dist.NEW_LESION_ORGAN[1]) / sum(dist.NEW_LESION_ORGAN[1])
    organ = np.where(
        base,
        np.minimum(np.searchsorted(base_cum, u, side="right"), len(base_cum) - 1),
        new_organs[np.minimum(np.searchsorted(new_cum, u, side="right"), len(new_cum) - 1)],
    )
    return {
        "owner": owner,
        "offsets": offsets,
        "slot": slot,
        "base": base,
        "base_number": position + 1,
        "organ": organ,
        "brain": organ == dist.ORGAN[0].index("brain"),
        "size0": np.clip(np.rint(rng.lognormal(np.log(18), 0.6, size=m)), 3, 120),
    }


#: per patient draw (CR, PR, SD, PD): chance of the first status, the first and the second status
_SPLIT = np.asarray([1.0, 0.8, 0.85, dist.OTHER_PROGRESSING_AT_PD])
_FIRST = np.asarray([CR, RESPONDING, STABLE, PROGRESSING], dtype=np.int8)
_SECOND = np.asarray([CR, STABLE, RESPONDING, STABLE], dtype=np.int8)
#: size factor per status (new, progressing, stable, responding, complete response): low + width * U(0, 1)
_LOW = np.asarray([1.0, 1.2, 0.9, 0.5, 0.0])
_WIDTH = np.asarray([0.0, 0.3, 0.2, 0.3, 0.0])


def _simulate(rng: np.random.Generator, f: Arrays, tp: Arrays, les: Arrays, draws: I64) -> Arrays:
    """Status and size of every lesion at every time point (-1: not there), and the forced progressions.

    Stored time point by time point (`status[j]` is one contiguous row of all lesions); returned transposed,
    as lesion × time point views. Statuses are int8: the chunk's arrays are memory-bound, not compute-bound.
    """
    n, m = len(f["assessment"]), len(les["owner"])
    owner, base = les["owner"], les["base"]
    status = np.full((SLOTS, m), -1, dtype=np.int8)
    size = np.zeros((SLOTS, m), dtype=np.float64)
    status[0] = np.where(base, NEW, -1)
    size[0] = np.where(base, les["size0"], 0.0)
    born = base.copy()
    current = status[0].copy()
    cur_size = size[0].copy()
    forced = np.full((n, SLOTS), -1, dtype=np.int64)  # lesion row forced to progress, per time point
    potential = ~base
    for j in range(1, SLOTS):
        here = tp["exists"][:, j]
        r = draws[:, j].astype(np.int8)
        alive = born & here[owner]
        pd = here & (r == 3)
        eligible = alive & (current != CR)
        has_eligible = _any(les["offsets"], eligible)
        new = pd & ((rng.random(n) < dist.NEW_LESION_AT_PD) | ~has_eligible)
        force = _first(owner, eligible) & (pd & ~new)[owner]
        forced[owner[force], j] = np.flatnonzero(force)
        rr = r[owner]
        # the next status by the patient's draw: CR all gone; PR mostly responding; SD mostly stable; PD: the
        # forced lesion and some others progressing
        nxt = np.where(rng.random(m) < _SPLIT[rr], _FIRST[rr], _SECOND[rr])
        nxt[force] = PROGRESSING
        nxt[current == CR] = CR
        factor = _LOW[nxt] + _WIDTH[nxt] * rng.random(m)
        new_size = np.clip(np.rint(cur_size * factor), 0, 300)
        rows = np.flatnonzero(potential & (les["slot"] == j) & new[owner])
        status[j] = np.where(alive, nxt, -1)
        status[j, rows] = NEW
        size[j] = np.where(alive, new_size, 0.0)
        size[j, rows] = les["size0"][rows]
        born[rows] = True
        current = np.where(alive, nxt, current)
        current[rows] = NEW
        cur_size = np.where(alive, new_size, cur_size)
        cur_size[rows] = les["size0"][rows]
    realized = np.cumsum(born & ~base)  # new lesions so far in the chunk; per patient from its block start
    before = np.r_[0, realized][les["offsets"][:-1]]
    number = np.where(base, les["base_number"], f["lesions"][owner] + realized - before[owner])
    return {"status": status.T, "size": size.T, "born": born, "number": number, "forced": forced}


def _response(offsets: I64, status: I64, n: int) -> I64:
    """RECIST 1.1 time-point response from the lesions: new or progressing → PD, all gone → CR, any responding
    → PR, else SD (codes of RESPONSE); NE where the patient has no lesion there."""
    there = status >= 0
    pd = _any(offsets, (status == NEW) | (status == PROGRESSING))
    not_cr = _any(offsets, there & (status != CR))
    responding = _any(offsets, status == RESPONDING)
    seen = _any(offsets, there)
    return np.select(
        [~seen, pd, ~not_cr, responding], [np.full(n, 4), np.full(n, 3), np.zeros(n), np.ones(n)], 2
    )


def timeline(rng: np.random.Generator, ids: Any, f: Arrays) -> tuple[dict[str, Columns], I64]:
    """The child tables of one chunk, and per (patient, line) the response of its restaging (-1: none)."""
    n = len(f["assessment"])
    tp = _time_points(rng, f)
    draws = np.zeros((n, SLOTS), dtype=np.int64)
    for j in range(1, SLOTS):
        draws[:, j] = _patient_draw(rng, tp["which"][:, j - 1])
    pd = tp["exists"] & (draws == 3)
    les = _lesion_frame(rng, f, pd)
    sim = _simulate(rng, f, tp, les, draws)
    owner, brain = les["owner"], les["brain"]
    status, size, born = sim["status"], sim["size"], sim["born"]
    mri = rng.random(n) < dist.BRAIN_MRI_SHARE
    has_brain = _any(les["offsets"], brain & les["base"])

    # scans: (patient, scan code) grid; a brain MRI at restaging only where brain lesions were found
    scan_exists = np.repeat(tp["exists"], 2, axis=1)
    scan_exists[:, 1::2] &= mri[:, None]
    scan_exists[:, 3::2] &= has_brain[:, None]
    body_date = np.repeat(tp["date"], 2, axis=1)
    scan_date = np.minimum(
        body_date + np.where(np.arange(2 * SLOTS) % 2 == 1, rng.integers(0, 4, size=(n, 1)), 0),
        f["assessment"][:, None],
    )
    findings_known = f["lesions_known"][:, None] & ~(
        rng.random((n, 2 * SLOTS)) < dist.MISSING["scan_findings"]
    )
    by_slot = status.T  # (time point, lesion), contiguous rows
    body_response = np.stack(
        [_response(les["offsets"], np.where(brain, -1, by_slot[j]), n) for j in range(SLOTS)], axis=1
    )

    # findings: a lesion there at a time point, recorded on its scan (brain lesions on the MRI only)
    readable = (scan_exists & findings_known & f["imaging_known"][:, None]).ravel()
    cell = owner * (2 * SLOTS) + brain  # flat (patient, scan code) index of the lesion at time point 0
    recorded_by_slot = np.stack([(by_slot[j] >= 0) & readable[cell + 2 * j] for j in range(SLOTS)])
    m = len(owner)
    last = np.full(m, -1, dtype=np.int64)  # latest time point that recorded the lesion
    final = np.zeros(m, dtype=np.int64)  # latest time point the lesion was there
    for j in range(SLOTS):
        last = np.where(recorded_by_slot[j], j, last)
        final = np.where(by_slot[j] >= 0, j, final)
    recorded = recorded_by_slot.T
    rows = np.arange(m)
    summary_slot = np.where(last >= 0, last, final)
    summary_status = status[rows, summary_slot]
    summary_size = size[rows, summary_slot]
    size_null = _missing(rng, "size_mm", len(owner))

    treatments = _treatments(rng, f, tp, les, sim)
    targeted = np.zeros(len(owner), dtype=np.bool_)
    targeted[treatments["lesion_row"][treatments["lesion_row"] >= 0]] = True

    out: dict[str, Columns] = {}
    keep = born & f["lesions_known"][owner]
    idx = np.flatnonzero(keep)
    k = len(idx)
    organ = les["organ"][idx]
    lung = organ == dist.ORGAN[0].index("lung")
    detected = np.where(les["base"], f["metastatic"][owner], tp["date"][owner, les["slot"]])
    out["lesions"] = {
        "case_id": rows_of(ids, owner[idx]),
        "lesion_id": cat(sim["number"][idx] - 1, LESION_IDS),
        "organ": cat(organ, dist.ORGAN[0]),
        "laterality": cat(
            draw(rng, dist.LATERALITY[1], k), dist.LATERALITY[0], _missing(rng, "laterality", k)
        ),
        "lung_relation": cat(np.zeros(k, dtype=np.int64), dist.LUNG_RELATION[0], ~lung),
        "pattern": cat(draw(rng, dist.PATTERN[1], k), dist.PATTERN[0], _missing(rng, "pattern", k)),
        "detected_date": num(detected[idx], "DATE"),
        "status": cat(summary_status[idx], STATUS, _missing(rng, "lesion_status", k)),
        "size_mm": num(summary_size[idx], "DOUBLE", size_null[idx]),
        "amenable_to_lat": num(rng.random(k) < 0.8, "BOOLEAN", _missing(rng, "amenable_to_lat", k)),
        "treated": num(targeted[idx], "BOOLEAN", _missing(rng, "treated", k)),
    }

    shown = scan_exists & f["imaging_known"][:, None]
    s_owner, s_code = np.nonzero(shown)
    slot, is_mri = s_code // 2, s_code % 2 == 1
    modality = np.where(is_mri, 2, np.where(slot == 0, 0, 1))
    restaging = tp["restaging"][s_owner, np.maximum(slot - 1, 0)]
    purpose = np.where(slot == 0, 0, np.where(restaging, 1, 2))
    read = np.where(slot > 0, body_response[s_owner, slot], 4)
    s = len(s_owner)
    out["imaging"] = {
        "case_id": rows_of(ids, s_owner),
        "scan_id": cat(s_code, SCAN_IDS),
        "scan_date": num(scan_date[s_owner, s_code], "DATE"),
        "modality": cat(modality, ("fdg_pet_ct", "ct", "mri")),
        "purpose": cat(purpose, ("staging", "restaging", "follow_up")),
        "brain": num(is_mri, "BOOLEAN", (slot == 0) & ~is_mri),
        "response": cat(read, RESPONSE, (slot == 0) | is_mri | _missing(rng, "scan_response", s)),
        "findings_known": num(findings_known[s_owner, s_code], "BOOLEAN"),
    }

    l_row, l_slot = np.nonzero(np.ascontiguousarray(recorded))  # by patient, then lesion, then time point
    f_code = 2 * l_slot + brain[l_row]
    out["imaging_findings"] = {
        "case_id": rows_of(ids, owner[l_row]),
        "scan_id": cat(f_code, SCAN_IDS),
        "lesion_id": cat(sim["number"][l_row] - 1, LESION_IDS),
        "status": cat(status[l_row, l_slot], STATUS),
        "size_mm": num(size[l_row, l_slot], "DOUBLE", size_null[l_row]),
    }
    out.update(_treatment_columns(rng, ids, f, les, sim, treatments))

    # best response per line: its restaging read, except after progression (the best came before it)
    best = np.where(tp["exists"][:, 1:] & (tp["which"] != 0), body_response[:, 1:], -1)
    best = np.where(best == 4, -1, best)
    return out, best.astype(np.int64)


def _regimen_table() -> NDArray[np.float64]:
    """Cumulative SBRT/SRS regimen probabilities per organ (rows: ORGAN, columns: RT_REGIMENS)."""
    table = np.zeros((len(dist.ORGAN[0]), len(REGIMEN_NAMES)))
    for o, name in enumerate(dist.ORGAN[0]):
        for key, p in dist.SBRT_REGIMEN_BY_ORGAN.get(name, dist.SBRT_REGIMEN_OTHER).items():
            table[o, REGIMEN_NAMES.index(key)] = p
    cum: NDArray[np.float64] = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    return cum


_REGIMEN_CUM = _regimen_table()
_MODALITY_CUM = np.cumsum(np.asarray([dist.MDT_MODALITY_BY_ORGAN[o] for o in dist.ORGAN[0]]), axis=1)


def _regimen_by_organ(rng: np.random.Generator, organ: I64, modality: I64) -> I64:
    """An SBRT/SRS regimen code per lesion, by organ (SABR-COMET by site), -1 for other modalities."""
    u = rng.random(len(organ))[:, None]
    pick = np.minimum((u >= _REGIMEN_CUM[organ]).sum(axis=1), len(REGIMEN_NAMES) - 1)
    rt = (modality == LOCAL_MODALITY.index("sbrt")) | (modality == LOCAL_MODALITY.index("srs"))
    return np.where(rt, pick, -1).astype(np.int64)


def _treatments(rng: np.random.Generator, f: Arrays, tp: Arrays, les: Arrays, sim: Arrays) -> Arrays:
    """Every local treatment given (before recording): primary, metastasis-directed, palliative, oligoprogression.

    Rows: owner, lesion_row (-1 = the primary), modality, intent, date, regimen (-1 = no RT course).
    """
    n = len(f["assessment"])
    owner, organ, base = les["owner"], les["organ"], les["base"]
    a = f["assessment"]
    # the primary
    p_owner = np.flatnonzero(f["primary_given"])
    primary_modality = np.asarray([LOCAL_MODALITY.index(x) for x in dist.PRIMARY_MODALITY[0]])
    parts = [
        (
            p_owner,
            np.full(len(p_owner), -1),
            primary_modality[f["primary_modality"][p_owner]],
            np.zeros(len(p_owner), dtype=np.int64),
            f["primary_date"][p_owner],
            f["primary_regimen"][p_owner],
        )
    ]
    # metastasis-directed treatment of OMD baseline lesions, shortly after the metastatic diagnosis
    omd = f["lesions"][owner] <= 5
    i = np.flatnonzero(base & omd)
    when = f["metastatic"][owner[i]] + rng.integers(20, 81, size=len(i))
    i_mdt = (rng.random(len(i)) < dist.MDT_SHARE) & (when <= a[owner[i]])
    i, when = i[i_mdt], when[i_mdt]
    choice = np.minimum(
        (rng.random(len(i))[:, None] >= _MODALITY_CUM[organ[i]]).sum(axis=1), len(dist.MDT_MODALITY) - 1
    )
    modality = np.asarray([LOCAL_MODALITY.index(x) for x in dist.MDT_MODALITY])[choice]
    intent = np.asarray([INTENT.index(x) for x in dist.INTENT_MDT[0]])[draw(rng, dist.INTENT_MDT[1], len(i))]
    parts.append((owner[i], i, modality, intent, when, _regimen_by_organ(rng, organ[i], modality)))
    # palliative RT of bone lesions of polymetastatic patients
    i = np.flatnonzero(base & ~omd & (organ == dist.ORGAN[0].index("bone")))
    when = f["metastatic"][owner[i]] + rng.integers(10, 61, size=len(i))
    i_pall = (rng.random(len(i)) < dist.PALLIATIVE_BONE_RT_SHARE) & (when <= a[owner[i]])
    i, when = i[i_pall], when[i_pall]
    pall_regimen = np.where(
        rng.random(len(i)) < 0.5,
        REGIMEN_NAMES.index("palliative_20_5"),
        REGIMEN_NAMES.index("palliative_8_1"),
    )
    parts.append(
        (
            owner[i],
            i,
            np.full(len(i), LOCAL_MODALITY.index("conventional_rt")),
            np.full(len(i), INTENT.index("palliative")),
            when,
            pall_regimen,
        )
    )
    # oligoprogression: a known lesion progressing at the restaging of the ongoing line gets SBRT/SRS
    last = np.clip(f["lines"], 1, SLOTS - 1)
    lesion = sim["forced"][np.arange(n), last]
    ongoing = f["line_ongoing"][np.arange(n), last - 1] & (f["lines"] > 0)
    when_o = tp["date"][np.arange(n), last] + rng.integers(7, 31, size=n)
    op = ongoing & (lesion >= 0) & (when_o <= a) & (rng.random(n) < dist.OLIGOPROGRESSION_SBRT_SHARE)
    i = np.flatnonzero(op)
    rows = lesion[i]
    op_modality = np.where(les["brain"][rows], LOCAL_MODALITY.index("srs"), LOCAL_MODALITY.index("sbrt"))
    parts.append(
        (
            i,
            rows,
            op_modality,
            np.full(len(i), INTENT.index("ablative")),
            when_o[i],
            _regimen_by_organ(rng, organ[rows], op_modality),
        )
    )
    names = ("owner", "lesion_row", "modality", "intent", "date", "regimen")
    merged = {
        k: np.concatenate([np.asarray(p[j], dtype=np.int64) for p in parts]) for j, k in enumerate(names)
    }
    order = np.lexsort((merged["date"], merged["owner"]))
    return {k: v[order] for k, v in merged.items()}


def _treatment_columns(
    rng: np.random.Generator, ids: Any, f: Arrays, les: Arrays, sim: Arrays, t: Arrays
) -> dict[str, Columns]:
    """`local_treatments` and `rt_courses` rows of the patients whose lists are known."""
    owner = t["owner"]
    m = len(owner)
    group = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1] if m else np.zeros(0, dtype=np.int64)
    first = np.repeat(group, np.diff(np.r_[group, m])) if m else np.zeros(0, dtype=np.int64)
    rank = np.arange(m) - first  # 0-based treatment number within the patient
    width = int(rank.max()) + 1 if m else 1
    target = np.where(t["lesion_row"] >= 0, sim["number"][np.maximum(t["lesion_row"], 0)], 0)
    has_course = t["regimen"] >= 0
    rt_known = f["rt_known"][owner]
    surgery = t["modality"] == LOCAL_MODALITY.index("surgery")
    keep = f["local_treatments_known"][owner]
    i = np.flatnonzero(keep)
    k = len(i)
    out: dict[str, Columns] = {
        "local_treatments": {
            "case_id": rows_of(ids, owner[i]),
            "treatment_id": cat(rank[i], [f"T{x}" for x in range(1, width + 1)]),
            "target": cat(target[i], TARGETS),
            "modality": cat(t["modality"][i], LOCAL_MODALITY),
            "intent": cat(t["intent"][i], INTENT, _missing(rng, "intent", k)),
            "treatment_date": num(t["date"][i], "DATE"),
            "margin": cat(
                draw(rng, dist.MARGIN[1], k), dist.MARGIN[0], ~surgery[i] | _missing(rng, "margin", k)
            ),
            "rt_course": cat(
                rank[i], [f"RT{x}" for x in range(1, width + 1)], ~(has_course[i] & rt_known[i])
            ),
        }
    }
    i = np.flatnonzero(has_course & rt_known)
    k = len(i)
    regimen = t["regimen"][i]
    total = np.asarray([r[1] for r in dist.RT_REGIMENS])[regimen]
    fractions = np.asarray([r[2] for r in dist.RT_REGIMENS])[regimen]
    span = np.asarray([r[3] for r in dist.RT_REGIMENS])[regimen]
    techniques = tuple(sorted({r[4] for r in dist.RT_REGIMENS}))
    technique = np.asarray([techniques.index(r[4]) for r in dist.RT_REGIMENS])[regimen]
    start = t["date"][i]
    end = start + span
    crt = regimen == REGIMEN_NAMES.index("crt_60_30")
    sync = f["synchronous"][owner[i]]
    oar_null = ~crt | _missing(rng, "oar", k)
    protocols = ("NCT01282450", "nccn-conventional")
    out["rt_courses"] = {
        "case_id": rows_of(ids, owner[i]),
        "course_id": cat(rank[i], [f"RT{x}" for x in range(1, width + 1)]),
        "target": cat(target[i], TARGETS),
        "technique": cat(technique, techniques),
        "total_dose_gy": num(total, "DOUBLE"),
        "fractions": num(fractions, "INTEGER"),
        "spinal_cord_dmax_gy": num(np.clip(np.rint(rng.normal(38, 6, k)), 5, 50), "DOUBLE", oar_null),
        "mean_lung_dose_gy": num(np.round(np.clip(rng.normal(14, 3, k), 4, 20), 1), "DOUBLE", oar_null),
        "esophagus_dmax_gy": num(np.clip(np.rint(rng.normal(55, 6, k)), 20, 66), "DOUBLE", oar_null),
        "protocol": cat(np.where(sync, 0, 1), protocols, ~crt | _missing(rng, "rt_protocol", k)),
        "start_date": num(start, "DATE"),
        "end_date": num(end, "DATE", end > f["assessment"][owner[i]]),
    }
    return out
