-- features: one row per case, every derived fact the knowledge base may read.
--
-- Conventions (each column is described, with the case fields it reads, in features.yaml):
--  * NULL means unknown. Aggregates over lesions/therapies are Kleene: "any" is TRUE as soon as one row is
--    TRUE, FALSE only when every row is known FALSE; counts restricted by an attribute are NULL when that
--    attribute is unknown on any row (we cannot tell which side of the filter the row falls).
--  * A list that was omitted (lesions_known = FALSE) makes every fact derived from it NULL; an empty list
--    gives zero counts.
--  * Counting units are defined here once; each rule names the count it uses (see docs/counting.md).
--    Every entry of `lesions` is one distant metastasis, except a lung nodule in another ipsilateral lobe
--    (TNM T4, not M1), which is left out of every lesion count; a lung lesion whose lung_relation is unknown
--    may or may not be a metastasis: it is in the upper bound only (`bounds` below: each main count has
--    `_min`/`_max` columns and is exact only when they agree). Organs are counted by the schema's organ value, so
--    bilateral adrenal lesions are one organ (TNM 9th "paired organ = one organ system"): `lesion_counts` has
--    columns per organ of the contract's list and `bounds` sums "the organ has one" (a DISTINCT aggregate, or
--    a group-by per patient and organ, is another pass over all lesion rows, several times the cost).
--  * case@2 inputs (scan_dates … lesions_current): the staging scan dates and each lesion's current status
--    and size come from the imaging timeline (docs/case-contract.md, "How the engine reads the timeline");
--    every lesion count below reads `lesions_current`, never the raw `lesions` table.
--  * Each table is read in as few passes as the rules allow (a registry has millions of lesion and finding
--    rows): every per-patient lesion count is one aggregate (`lesion_counts`), findings are joined to their
--    scans once and read in one aggregate per lesion (`lesion_keys`). docs/cohort.md "Speed" says what each
--    change saved.
--  * Calendar convention, one for every "N months" and every age (docs/knowledge-format.md, "Dates"): a
--    duration in months is the number of complete calendar months, date_sub('month', start, end), so
--    `months >= N` holds exactly when end >= start + INTERVAL N MONTH (month ends clamped: 31 Jan + 1 month
--    = 28/29 Feb), the same arithmetic the knowledge files use for cut-offs ("within 6 months"). Age is
--    complete calendar years, date_sub('year', birth_date, assessment_date): an 18th birthday is 18.
WITH
scan_dates AS (
    -- one pass over the scans, per patient:
    -- * the latest dated scan of each kind on or before the assessment date, whatever its purpose (a restaging
    --   PET/CT is the newest whole-body staging); a brain MRI is an MRI that covers the brain (brain = TRUE:
    --   an MRI with unknown coverage is not counted). No scan of the kind: NULL, as an unknown v1 date was;
    -- * the latest scan whose findings were read (`findings` given, even empty: nothing seen); unknown when a
    --   read scan is undated (it might be the latest);
    -- * the earliest dated scan of any kind (a scan before the latest read one is a "previous scan")
    SELECT
        i.case_id,
        max(i.scan_date) FILTER (WHERE i.modality = 'fdg_pet_ct' AND i.scan_date <= p.assessment_date)
            AS fdg_pet_ct_date,
        max(i.scan_date) FILTER (WHERE i.modality = 'mri' AND i.brain IS TRUE AND i.scan_date <= p.assessment_date)
            AS brain_mri_date,
        CASE
            WHEN count_if(i.findings_known AND i.scan_date IS NULL) = 0
                THEN max(i.scan_date) FILTER (WHERE i.findings_known)
        END AS latest_read_date,
        min(i.scan_date) AS earliest_date
    FROM imaging AS i
    JOIN patients AS p ON p.case_id = i.case_id
    GROUP BY i.case_id
),
finding_keys AS (
    -- each finding of a scan whose findings were given (`findings_known`; a finding row on another scan, which
    -- validation makes impossible, is not part of the timeline) with its scan's day number (days since
    -- 2000-01-01) and its status as a position in the contract's list (1 new … 5 complete_response). A status
    -- outside the list (a registry not checked against the contract) has no rank: read as no status
    SELECT
        f.case_id,
        f.lesion_id,
        i.scan_date,
        date_diff('day', CAST('2000-01-01' AS DATE), i.scan_date) AS scan_day,
        CASE f.status
            WHEN 'new' THEN 1 WHEN 'progressing' THEN 2 WHEN 'stable' THEN 3 WHEN 'responding' THEN 4
            WHEN 'complete_response' THEN 5
        END AS status_rank,
        f.size_mm
    FROM imaging_findings AS f
    JOIN imaging AS i ON i.case_id = f.case_id AND i.scan_id = f.scan_id
    WHERE i.findings_known AND f.lesion_id IS NOT NULL
),
lesion_keys AS (
    -- per lesion, one aggregate: the latest date and, through ordering keys that put the day first and the
    -- reading second, what that day read, however many scans share it (several scans of one day are one
    -- reading; a group-by per lesion and day would be as large as the findings table, docs/cohort.md "Speed"):
    -- * `key_status_hi`/`key_status_lo`: day × 8 + rank (no status: 0, never the maximum of a day with a
    --   status) and day × 8 + 7 − rank; minus latest_day × 8 they are the latest day's highest and lowest rank;
    -- * `key_status_null`/`key_size_null`: day × 2 + 1 for a finding without status/size, day × 2 otherwise:
    --   the maximum tells whether the latest day has one;
    -- * `size_hi`/`size_lo`: the size as recorded at the largest of day × 2048 + size and of day × 2048 − size
    --   (sizes are 0–1000 mm, so a later day always wins): the latest day's largest and smallest size
    --   (two sizes of one day less than ≈ 10⁻⁸ mm apart can tie in the key: read as agreeing)
    SELECT
        k.case_id,
        k.lesion_id,
        max(k.scan_date) AS latest_date,
        max(k.scan_day) AS latest_day,
        count_if(k.scan_date IS NULL) AS n_undated,
        max(k.scan_day * 8 + coalesce(k.status_rank, 0)) AS key_status_hi,
        max(k.scan_day * 8 + 7 - coalesce(k.status_rank, 7)) AS key_status_lo,
        max(k.scan_day * 2 + CASE WHEN k.status_rank IS NULL THEN 1 ELSE 0 END) AS key_status_null,
        max(k.scan_day * 2 + CASE WHEN k.size_mm IS NULL THEN 1 ELSE 0 END) AS key_size_null,
        arg_max(coalesce(k.size_mm, -1.0), CAST(k.scan_day AS DOUBLE) * 2048 + coalesce(k.size_mm, 0)) AS size_hi,
        arg_max(coalesce(k.size_mm, -1.0), CAST(k.scan_day AS DOUBLE) * 2048 - coalesce(k.size_mm, 0))
            AS size_lo
    FROM finding_keys AS k
    GROUP BY k.case_id, k.lesion_id
),
lesion_findings AS (
    -- per lesion: the latest scan date recording it, whether an undated scan records it (which might be later),
    -- and what that date read: `status_read`/`size_read` FALSE when a read is missing or same-day reads
    -- disagree; `latest_present` a finding not in complete response, `latest_new` a finding new,
    -- `latest_status_unknown` a finding without status (each on the latest date)
    SELECT
        k.case_id,
        k.lesion_id,
        k.latest_date,
        k.n_undated,
        k.key_status_null = k.latest_day * 2
            AND k.key_status_hi - k.latest_day * 8 = 7 - (k.key_status_lo - k.latest_day * 8) AS status_read,
        k.key_status_hi - k.latest_day * 8 AS status_latest,
        k.key_size_null = k.latest_day * 2 AND k.size_hi = k.size_lo AS size_read,
        k.size_lo AS size_latest,
        k.key_status_hi - k.latest_day * 8 BETWEEN 1 AND 4 AS latest_present,
        k.key_status_lo - k.latest_day * 8 = 6 AS latest_new,
        k.key_status_null = k.latest_day * 2 + 1 AS latest_status_unknown
    FROM lesion_keys AS k
),
lesions_current AS (
    -- each distant-metastasis candidate (an ipsilateral other-lobe nodule is T4, not M1, and left out) with its
    -- current status and size: the latest finding, else the lesion's own summary (validation refuses a summary
    -- status that contradicts the latest finding); and `event_date`, the date its current status was seen: with
    -- a timeline the latest scan recording it, without one the detection date of a new lesion (case@1 dates
    -- nothing else)
    SELECT
        l.case_id,
        l.lesion_id,
        l.organ,
        l.laterality,
        l.lung_relation,
        l.pattern,
        l.detected_date,
        coalesce(
            CASE
                WHEN lf.n_undated = 0 AND lf.status_read THEN
                    CASE lf.status_latest
                        WHEN 1 THEN 'new' WHEN 2 THEN 'progressing' WHEN 3 THEN 'stable' WHEN 4 THEN 'responding'
                        WHEN 5 THEN 'complete_response'
                    END
            END,
            l.status
        ) AS status,
        coalesce(CASE WHEN lf.n_undated = 0 AND lf.size_read THEN lf.size_latest END, l.size_mm) AS size_mm,
        l.amenable_to_lat,
        l.treated,
        CASE
            WHEN lf.lesion_id IS NOT NULL THEN lf.latest_date
            WHEN l.status = 'new' THEN l.detected_date
        END AS event_date,
        lf.lesion_id IS NOT NULL AS on_timeline
    FROM lesions AS l
    LEFT JOIN lesion_findings AS lf ON lf.case_id = l.case_id AND lf.lesion_id = l.lesion_id
    WHERE l.lung_relation IS DISTINCT FROM 'ipsilateral_other_lobe'
),
therapy_agg AS (
    SELECT
        t.case_id,
        count(*) AS n_rows,
        count_if(t.start_date IS NULL) AS n_start_null,
        count_if(
            t.start_date <= p.metastatic_diagnosis_date
            AND (t.end_date IS NULL OR t.end_date >= p.metastatic_diagnosis_date)
        ) AS n_active_at_mdx,
        count_if(t.end_date IS NULL) AS n_ongoing,
        count_if(t.line IS NULL) AS n_line_null,
        count_if(t.line = 1) AS n_first_line_rows,
        max(t.line) AS max_line,
        -- an unknown start of any line-1 entry makes the first-line start unknown (min would skip it)
        CASE
            WHEN count_if(t.line = 1 AND t.start_date IS NULL) = 0 THEN min(t.start_date) FILTER (WHERE t.line = 1)
        END AS first_line_start_date,
        max(t.end_date) FILTER (WHERE t.line = 1) AS first_line_last_end_date,
        count_if(t.line = 1 AND t.end_date IS NULL) AS n_first_line_ongoing,
        sum(t.cycles) FILTER (WHERE t.line = 1) AS first_line_cycles_sum,
        count_if(t.line = 1 AND t.cycles IS NULL) AS n_first_line_cycles_null,
        min(
            CASE t.best_response WHEN 'CR' THEN 1 WHEN 'PR' THEN 2 WHEN 'SD' THEN 3 WHEN 'PD' THEN 4 END
        ) FILTER (WHERE t.line = 1) AS first_line_best_response_rank,
        count_if(t.line = 1 AND t.best_response IS NULL) AS n_first_line_response_null,
        CASE
            WHEN count_if(t.line = 1 AND t.category IS NULL) = 0
                THEN arg_min(t.category, t.start_date) FILTER (WHERE t.line = 1)
        END AS first_line_first_category,
        count_if(t.line = 1 AND t.category IN ('io', 'chemo_io')) AS n_first_line_io,
        min(t.start_date) FILTER (WHERE t.line >= 2) AS later_line_start_date,
        count_if(t.line = 1 AND t.category IS NULL) AS n_first_line_category_null
    FROM therapies AS t
    JOIN patients AS p ON p.case_id = t.case_id
    GROUP BY t.case_id
),
rt_agg AS (
    SELECT r.case_id, count(*) AS n_rows
    FROM rt_courses AS r
    GROUP BY r.case_id
),
-- >>> timeline and bounds (docs/timeline-facts.md, docs/counting.md "Counts under uncertainty")
current_line AS (
    -- the current line = the highest line number recorded (every line starts on or before assessment_date);
    -- unknown when any entry's line number is unknown (it could be higher)
    SELECT
        ta.case_id,
        CASE WHEN ta.n_line_null = 0 THEN ta.max_line END AS line,
        CASE
            WHEN ta.n_line_null = 0 AND count_if(t.line = ta.max_line AND t.start_date IS NULL) = 0
                THEN min(t.start_date) FILTER (WHERE t.line = ta.max_line)
        END AS start_date,
        CASE
            WHEN ta.n_line_null = 0 AND count_if(t.line = ta.max_line AND t.end_date IS NULL) = 0
                THEN max(t.end_date) FILTER (WHERE t.line = ta.max_line)
        END AS end_date,
        CASE WHEN ta.n_line_null = 0 THEN count_if(t.line = ta.max_line AND t.end_date IS NULL) > 0 END AS ongoing,
        CASE
            WHEN ta.n_line_null = 0 AND count_if(t.line = ta.max_line AND t.best_response IS NULL) = 0 THEN
                min(CASE t.best_response WHEN 'CR' THEN 1 WHEN 'PR' THEN 2 WHEN 'SD' THEN 3 WHEN 'PD' THEN 4 END)
                    FILTER (WHERE t.line = ta.max_line)
        END AS best_response_rank
    FROM therapies AS t
    JOIN therapy_agg AS ta ON ta.case_id = t.case_id
    GROUP BY ta.case_id, ta.n_line_null, ta.max_line
),
lesion_on_therapy AS (
    -- per new or progressing lesion (no other status reads it): was a systemic line running when its status
    -- was seen (started before that date, not ended before it)? Kleene: counts of TRUE and of unknown rows
    SELECT
        e.case_id,
        e.lesion_id,
        count_if(t.start_date < e.event_date AND (t.end_date IS NULL OR t.end_date >= e.event_date)) AS n_active,
        count_if((t.start_date < e.event_date AND (t.end_date IS NULL OR t.end_date >= e.event_date)) IS NULL)
            AS n_active_unknown
    FROM lesions_current AS e
    JOIN therapies AS t ON t.case_id = e.case_id
    WHERE e.status IN ('new', 'progressing')
    GROUP BY e.case_id, e.lesion_id
),
lesion_state AS (
    -- one row per distant-metastasis candidate (lesions_current) with the flags the counts need.
    -- `maybe_not_metastasis`: a lung lesion of unknown lung_relation (0 or 1 metastasis). `on_therapy_progression`: the lesion is progression ON systemic therapy (a progressing lesion
    -- while a line runs at the metastatic diagnosis or at assessment; a new lesion found while a line ran —
    -- RECIST 1.1: a new lesion is progression); FALSE for a treatment-naive patient.
    SELECT
        l.case_id,
        l.lesion_id,
        l.organ,
        l.lung_relation,
        l.pattern,
        l.detected_date,
        l.status,
        l.size_mm,
        l.amenable_to_lat,
        ta.n_rows AS therapy_rows,
        ta.first_line_start_date,
        coalesce(l.organ = 'lung' AND l.lung_relation IS NULL, FALSE) AS maybe_not_metastasis,
        CASE
            WHEN l.status IN ('stable', 'responding', 'complete_response') THEN FALSE
            WHEN p.systemic_known AND coalesce(ta.n_rows, 0) = 0 THEN FALSE
            WHEN NOT p.systemic_known THEN NULL
            WHEN l.status = 'progressing' AND NOT l.on_timeline THEN
                CASE
                    WHEN ta.n_ongoing > 0 OR ta.n_active_at_mdx > 0 THEN TRUE
                    WHEN ta.n_start_null > 0 OR p.metastatic_diagnosis_date IS NULL THEN NULL
                    ELSE FALSE
                END
            WHEN l.status IN ('new', 'progressing') THEN
                CASE
                    WHEN lt.n_active > 0 THEN TRUE
                    WHEN l.event_date IS NULL OR lt.n_active_unknown > 0 THEN NULL
                    ELSE FALSE
                END
        END AS on_therapy_progression,
        CASE
            WHEN l.status IN ('stable', 'responding', 'complete_response') THEN FALSE
            WHEN l.status = 'progressing' THEN TRUE
            WHEN l.status = 'new' THEN l.event_date > cl.start_date
        END AS progression_on_current_line
    FROM lesions_current AS l
    JOIN patients AS p ON p.case_id = l.case_id
    LEFT JOIN therapy_agg AS ta ON ta.case_id = l.case_id
    LEFT JOIN current_line AS cl ON cl.case_id = l.case_id
    LEFT JOIN lesion_on_therapy AS lt ON lt.case_id = l.case_id AND lt.lesion_id = l.lesion_id
),
lesion_counts AS (
    -- every per-patient count over the distant-metastasis candidates, in one pass. Lower and upper bounds
    -- (`_lo`/`_hi`): a lesion that may or may not be counted (unknown organ, status or lung_relation) is in the
    -- upper bound only; the exact count is the bound when both agree. Organ-system counts are in `bounds`.
    SELECT
        s.case_id,
        -- lesions whose site is unknown: no organ, or a lung lesion that may be a T4 nodule
        count_if(s.organ IS NULL OR (s.organ = 'lung' AND s.lung_relation IS NULL)) AS n_site_unknown,
        count_if(s.organ <> 'brain') AS n_extracranial,
        count_if(s.organ NOT IN ('lung', 'pleura', 'pericardium')) AS n_extrathoracic,
        count_if(s.organ IN ('pleura', 'pericardium') OR (s.organ = 'lung' AND s.lung_relation = 'contralateral'))
            AS n_m1a,
        count_if(s.organ = 'lung' AND s.lung_relation IS NULL) AS n_lung_relation_null,
        -- "any lesion ..." facts: a lung lesion of unknown lung_relation may be a T4 nodule (not counted), so it
        -- can make them unknown but never TRUE (and never FALSE for "all lesions ...")
        count_if(s.pattern IN ('effusion', 'diffuse') AND NOT s.maybe_not_metastasis) AS n_nondiscrete,
        count_if(s.pattern IS NULL OR (s.pattern IN ('effusion', 'diffuse') AND s.maybe_not_metastasis))
            AS n_pattern_null,
        count_if(s.amenable_to_lat = FALSE AND NOT s.maybe_not_metastasis) AS n_not_amenable,
        count_if(s.amenable_to_lat IS NULL OR (s.amenable_to_lat = FALSE AND s.maybe_not_metastasis))
            AS n_amenable_null,
        count_if(s.status = 'progressing' AND NOT s.maybe_not_metastasis) AS n_progressing,
        count_if(s.status = 'new' AND NOT s.maybe_not_metastasis) AS n_new,
        count_if(s.status IS NULL OR (s.status IN ('progressing', 'new') AND s.maybe_not_metastasis))
            AS n_status_null,
        count_if(s.organ NOT IN ('brain', 'adrenal', 'lung', 'bone')) AS n_outside_brain_adrenal_lung_bone,
        count_if(s.organ IS NULL) AS n_organ_null,
        max(s.size_mm) AS max_lesion_size_mm,
        count_if(s.size_mm IS NULL) AS n_size_null,
        -- added for trials: per-organ counts (Iyengar liver/lung limits, SABR-COMET per-organ limit)
        count_if(s.organ = 'liver') AS n_liver,
        count_if(s.organ = 'lung') AS n_lung,
        -- per organ system (the contract's organ list; TNM: a paired organ is one system), read by `bounds`:
        -- `<organ>_any` its lesions, `_counted` those certainly metastases, `_progressing` those counted and
        -- progressing on therapy, `_may_progress` those whose progression on therapy is TRUE or unknown
        -- (the brain is never extracranial: no progression columns). tests/engine/test_organ_columns.py keeps
        -- these lists and the sums in `bounds` equal to the contract's organs
        count_if(s.organ = 'brain') AS brain_any,
        count_if(s.organ = 'brain' AND NOT s.maybe_not_metastasis) AS brain_counted,
        count_if(s.organ = 'adrenal') AS adrenal_any,
        count_if(s.organ = 'adrenal' AND NOT s.maybe_not_metastasis) AS adrenal_counted,
        count_if(s.organ = 'adrenal' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression)
            AS adrenal_progressing,
        count_if(s.organ = 'adrenal' AND s.on_therapy_progression IS NOT FALSE) AS adrenal_may_progress,
        count_if(s.organ = 'bone') AS bone_any,
        count_if(s.organ = 'bone' AND NOT s.maybe_not_metastasis) AS bone_counted,
        count_if(s.organ = 'bone' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS bone_progressing,
        count_if(s.organ = 'bone' AND s.on_therapy_progression IS NOT FALSE) AS bone_may_progress,
        count_if(s.organ = 'liver') AS liver_any,
        count_if(s.organ = 'liver' AND NOT s.maybe_not_metastasis) AS liver_counted,
        count_if(s.organ = 'liver' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS liver_progressing,
        count_if(s.organ = 'liver' AND s.on_therapy_progression IS NOT FALSE) AS liver_may_progress,
        count_if(s.organ = 'lung') AS lung_any,
        count_if(s.organ = 'lung' AND NOT s.maybe_not_metastasis) AS lung_counted,
        count_if(s.organ = 'lung' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS lung_progressing,
        count_if(s.organ = 'lung' AND s.on_therapy_progression IS NOT FALSE) AS lung_may_progress,
        count_if(s.organ = 'pleura') AS pleura_any,
        count_if(s.organ = 'pleura' AND NOT s.maybe_not_metastasis) AS pleura_counted,
        count_if(s.organ = 'pleura' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS pleura_progressing,
        count_if(s.organ = 'pleura' AND s.on_therapy_progression IS NOT FALSE) AS pleura_may_progress,
        count_if(s.organ = 'pericardium') AS pericardium_any,
        count_if(s.organ = 'pericardium' AND NOT s.maybe_not_metastasis) AS pericardium_counted,
        count_if(s.organ = 'pericardium' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression)
            AS pericardium_progressing,
        count_if(s.organ = 'pericardium' AND s.on_therapy_progression IS NOT FALSE) AS pericardium_may_progress,
        count_if(s.organ = 'distant_lymph_node') AS distant_lymph_node_any,
        count_if(s.organ = 'distant_lymph_node' AND NOT s.maybe_not_metastasis) AS distant_lymph_node_counted,
        count_if(s.organ = 'distant_lymph_node' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression)
            AS distant_lymph_node_progressing,
        count_if(s.organ = 'distant_lymph_node' AND s.on_therapy_progression IS NOT FALSE)
            AS distant_lymph_node_may_progress,
        count_if(s.organ = 'soft_tissue') AS soft_tissue_any,
        count_if(s.organ = 'soft_tissue' AND NOT s.maybe_not_metastasis) AS soft_tissue_counted,
        count_if(s.organ = 'soft_tissue' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression)
            AS soft_tissue_progressing,
        count_if(s.organ = 'soft_tissue' AND s.on_therapy_progression IS NOT FALSE) AS soft_tissue_may_progress,
        count_if(s.organ = 'kidney') AS kidney_any,
        count_if(s.organ = 'kidney' AND NOT s.maybe_not_metastasis) AS kidney_counted,
        count_if(s.organ = 'kidney' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS kidney_progressing,
        count_if(s.organ = 'kidney' AND s.on_therapy_progression IS NOT FALSE) AS kidney_may_progress,
        count_if(s.organ = 'other') AS other_any,
        count_if(s.organ = 'other' AND NOT s.maybe_not_metastasis) AS other_counted,
        count_if(s.organ = 'other' AND NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS other_progressing,
        count_if(s.organ = 'other' AND s.on_therapy_progression IS NOT FALSE) AS other_may_progress,
        -- a lesion found new after first-line therapy started is progression on that therapy (RECIST: a new
        -- lesion is progressive disease); unknown when its status, its detection date or the start is unknown.
        -- Only for patients with a therapy entry (without one there is no first line: FALSE)
        count_if(s.status = 'new' AND s.detected_date > s.first_line_start_date AND NOT s.maybe_not_metastasis)
            AS n_new_after_first_line_start,
        count_if(
            s.therapy_rows IS NOT NULL AND (
                s.status IS NULL
                OR (s.status = 'new' AND (s.detected_date IS NULL OR s.first_line_start_date IS NULL))
                OR (s.status = 'new' AND s.detected_date > s.first_line_start_date AND s.maybe_not_metastasis)
            )
        ) AS n_new_after_first_line_start_unknown,
        -- bounds
        count_if(NOT s.maybe_not_metastasis) AS metastases_lo,
        count(*) AS metastases_hi,
        count_if(s.organ = 'brain') AS intracranial_lo,
        count_if(s.organ = 'brain' OR s.organ IS NULL) AS intracranial_hi,
        count_if(s.organ <> 'brain' AND NOT s.maybe_not_metastasis) AS extracranial_lo,
        count_if(s.organ IS NULL OR s.organ <> 'brain') AS extracranial_hi,
        -- residual disease: every lesion not in complete response on current imaging
        count_if(NOT s.maybe_not_metastasis AND s.status <> 'complete_response') AS residual_lo,
        count_if(s.status IS NULL OR s.status <> 'complete_response') AS residual_hi,
        count_if(NOT s.maybe_not_metastasis AND s.organ <> 'brain' AND s.status <> 'complete_response')
            AS residual_extracranial_lo,
        count_if((s.organ IS NULL OR s.organ <> 'brain') AND (s.status IS NULL OR s.status <> 'complete_response'))
            AS residual_extracranial_hi,
        -- progression on systemic therapy (oligoprogression sites)
        count_if(NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS progressing_lo,
        count_if(s.on_therapy_progression IS NOT FALSE) AS progressing_hi,
        count_if(NOT s.maybe_not_metastasis AND s.organ <> 'brain' AND s.on_therapy_progression)
            AS progressing_extracranial_lo,
        count_if((s.organ IS NULL OR s.organ <> 'brain') AND s.on_therapy_progression IS NOT FALSE)
            AS progressing_extracranial_hi,
        count_if(s.organ IS NULL AND s.on_therapy_progression IS NOT FALSE) AS n_organ_null_may_progress,
        -- a lung lesion of unknown lung_relation may be a T4 nodule, which is not counted: it makes these unknown
        count_if(NOT s.maybe_not_metastasis AND s.on_therapy_progression) AS n_progression_on_therapy,
        count_if(s.on_therapy_progression IS NULL OR (s.maybe_not_metastasis AND s.on_therapy_progression))
            AS n_progression_on_therapy_unknown,
        count_if(NOT s.maybe_not_metastasis AND s.progression_on_current_line) AS n_progression_current_line,
        count_if(
            s.progression_on_current_line IS NULL OR (s.maybe_not_metastasis AND s.progression_on_current_line)
        ) AS n_progression_current_line_unknown
    FROM lesion_state AS s
    GROUP BY s.case_id
),
bounds AS (
    -- the lesion counts with the organ-system counts: an organ system counts once however many lesions it
    -- holds (a sum over the contract's organs of "has one", not a DISTINCT aggregate: that would be another
    -- group-by over every lesion). A lesion of unknown organ may be a new organ system
    SELECT
        c.*,
        greatest(
            least(coalesce(c.brain_counted, 0), 1) + least(coalesce(c.adrenal_counted, 0), 1)
            + least(coalesce(c.bone_counted, 0), 1) + least(coalesce(c.liver_counted, 0), 1)
            + least(coalesce(c.lung_counted, 0), 1) + least(coalesce(c.pleura_counted, 0), 1)
            + least(coalesce(c.pericardium_counted, 0), 1) + least(coalesce(c.distant_lymph_node_counted, 0), 1)
            + least(coalesce(c.soft_tissue_counted, 0), 1) + least(coalesce(c.kidney_counted, 0), 1)
            + least(coalesce(c.other_counted, 0), 1),
            CASE WHEN c.n_organ_null > 0 THEN 1 ELSE 0 END
        ) AS organs_lo,
        least(coalesce(c.brain_any, 0), 1) + least(coalesce(c.adrenal_any, 0), 1)
        + least(coalesce(c.bone_any, 0), 1) + least(coalesce(c.liver_any, 0), 1)
        + least(coalesce(c.lung_any, 0), 1) + least(coalesce(c.pleura_any, 0), 1)
        + least(coalesce(c.pericardium_any, 0), 1) + least(coalesce(c.distant_lymph_node_any, 0), 1)
        + least(coalesce(c.soft_tissue_any, 0), 1) + least(coalesce(c.kidney_any, 0), 1)
        + least(coalesce(c.other_any, 0), 1)
            + c.n_organ_null AS organs_hi,
        least(coalesce(c.adrenal_counted, 0), 1) + least(coalesce(c.bone_counted, 0), 1)
        + least(coalesce(c.liver_counted, 0), 1) + least(coalesce(c.lung_counted, 0), 1)
        + least(coalesce(c.pleura_counted, 0), 1) + least(coalesce(c.pericardium_counted, 0), 1)
        + least(coalesce(c.distant_lymph_node_counted, 0), 1) + least(coalesce(c.soft_tissue_counted, 0), 1)
        + least(coalesce(c.kidney_counted, 0), 1) + least(coalesce(c.other_counted, 0), 1)
            AS extracranial_organs_lo,
        least(coalesce(c.adrenal_any, 0), 1) + least(coalesce(c.bone_any, 0), 1)
        + least(coalesce(c.liver_any, 0), 1) + least(coalesce(c.lung_any, 0), 1)
        + least(coalesce(c.pleura_any, 0), 1) + least(coalesce(c.pericardium_any, 0), 1)
        + least(coalesce(c.distant_lymph_node_any, 0), 1) + least(coalesce(c.soft_tissue_any, 0), 1)
        + least(coalesce(c.kidney_any, 0), 1) + least(coalesce(c.other_any, 0), 1)
            + c.n_organ_null AS extracranial_organs_hi,
        least(coalesce(c.brain_any, 0), 1) + least(coalesce(c.adrenal_any, 0), 1)
        + least(coalesce(c.bone_any, 0), 1) + least(coalesce(c.liver_any, 0), 1)
        + least(coalesce(c.distant_lymph_node_any, 0), 1) + least(coalesce(c.soft_tissue_any, 0), 1)
        + least(coalesce(c.kidney_any, 0), 1) + least(coalesce(c.other_any, 0), 1)
            AS n_extrathoracic_organs_distinct,
        least(coalesce(c.adrenal_progressing, 0), 1) + least(coalesce(c.bone_progressing, 0), 1)
        + least(coalesce(c.liver_progressing, 0), 1) + least(coalesce(c.lung_progressing, 0), 1)
        + least(coalesce(c.pleura_progressing, 0), 1) + least(coalesce(c.pericardium_progressing, 0), 1)
        + least(coalesce(c.distant_lymph_node_progressing, 0), 1)
        + least(coalesce(c.soft_tissue_progressing, 0), 1) + least(coalesce(c.kidney_progressing, 0), 1)
        + least(coalesce(c.other_progressing, 0), 1)
            AS progressing_extracranial_organs_lo,
        least(coalesce(c.adrenal_may_progress, 0), 1) + least(coalesce(c.bone_may_progress, 0), 1)
        + least(coalesce(c.liver_may_progress, 0), 1) + least(coalesce(c.lung_may_progress, 0), 1)
        + least(coalesce(c.pleura_may_progress, 0), 1) + least(coalesce(c.pericardium_may_progress, 0), 1)
        + least(coalesce(c.distant_lymph_node_may_progress, 0), 1)
        + least(coalesce(c.soft_tissue_may_progress, 0), 1) + least(coalesce(c.kidney_may_progress, 0), 1)
        + least(coalesce(c.other_may_progress, 0), 1)
            + c.n_organ_null_may_progress AS progressing_extracranial_organs_hi,
        greatest(
            coalesce(c.brain_any, 0), coalesce(c.adrenal_any, 0), coalesce(c.bone_any, 0), coalesce(c.liver_any, 0),
            coalesce(c.lung_any, 0), coalesce(c.pleura_any, 0), coalesce(c.pericardium_any, 0),
            coalesce(c.distant_lymph_node_any, 0), coalesce(c.soft_tissue_any, 0), coalesce(c.kidney_any, 0),
            coalesce(c.other_any, 0)
        ) AS max_per_organ
    FROM lesion_counts AS c
),
line_progression AS (
    -- progression on the current line: a progressing lesion, or a lesion new since the line started (RECIST 1.1)
    SELECT
        p.case_id,
        cl.line,
        cl.best_response_rank,
        CASE
            WHEN cl.line IS NULL OR NOT p.lesions_known THEN NULL
            WHEN coalesce(b.n_progression_current_line, 0) > 0 THEN TRUE
            WHEN coalesce(b.n_progression_current_line_unknown, 0) > 0 THEN NULL
            ELSE FALSE
        END AS progressed
    FROM patients AS p
    JOIN current_line AS cl ON cl.case_id = p.case_id
    LEFT JOIN bounds AS b ON b.case_id = p.case_id
),
scan_findings AS (
    -- per scan with a finding new or progressing: how many are new, and new or progressing (other scans have no
    -- row: their counts read as NULL, which `> 0` tests and count_if treat as the 0 they are)
    SELECT
        f.case_id,
        f.scan_id,
        count_if(f.status = 'new') AS n_new,
        count(*) AS n_new_or_progressing
    FROM imaging_findings AS f
    WHERE f.status IN ('new', 'progressing')
    GROUP BY f.case_id, f.scan_id
),
scan_ranks AS (
    -- each dated restaging scan read on or after the start of the current line, with its RECIST 1.1 rank:
    -- a finding `new` on that scan makes it PD whatever the sizes ("unequivocal new lesion" = PD); NE is unknown
    SELECT
        i.case_id,
        i.scan_date,
        CASE
            WHEN count_if(sf.n_new > 0) > 0 THEN 4
            ELSE min(CASE i.response WHEN 'CR' THEN 1 WHEN 'PR' THEN 2 WHEN 'SD' THEN 3 WHEN 'PD' THEN 4 END)
        END AS rank_lo,
        CASE
            WHEN count_if(sf.n_new > 0) > 0 THEN 4
            WHEN count_if(i.response IS NULL OR i.response = 'NE') > 0 THEN NULL
            ELSE max(CASE i.response WHEN 'CR' THEN 1 WHEN 'PR' THEN 2 WHEN 'SD' THEN 3 WHEN 'PD' THEN 4 END)
        END AS rank_hi
    FROM imaging AS i
    JOIN current_line AS cl ON cl.case_id = i.case_id
    LEFT JOIN scan_findings AS sf ON sf.case_id = i.case_id AND sf.scan_id = i.scan_id
    WHERE i.purpose = 'restaging' AND i.scan_date > cl.start_date
    GROUP BY i.case_id, i.scan_date
),
latest_restaging AS (
    -- the latest restaging of the current line; same-day reads that disagree leave it unread
    SELECT
        r.case_id,
        max(r.scan_date) AS scan_date,
        arg_max(CASE WHEN r.rank_lo = r.rank_hi THEN r.rank_lo END, r.scan_date) AS rank
    FROM scan_ranks AS r
    GROUP BY r.case_id
),
line_state AS (
    -- response at the latest restaging of the current line as a range of RECIST ranks (1 CR, 2 PR, 3 SD, 4 PD).
    -- A read restaging gives the exact rank. Without one the range comes from the line's best response: once the
    -- line has progressed it is PD; while it has not, the best response continues (RECIST 1.1 clarification at
    -- recist.eortc.org: a confirmed PR stays PR until PD criteria are met; docs/timeline-facts.md); with
    -- progression unknown it is the best response or PD.
    SELECT
        lp.case_id,
        lp.progressed,
        lr.scan_date AS restaging_date,
        CASE
            WHEN lr.rank IS NOT NULL THEN lr.rank
            WHEN lp.progressed THEN 4
            ELSE coalesce(lp.best_response_rank, 1)
        END AS rank_min,
        CASE
            WHEN lr.rank IS NOT NULL THEN lr.rank
            WHEN lp.progressed OR lp.best_response_rank = 4 THEN 4
            WHEN NOT lp.progressed THEN coalesce(lp.best_response_rank, 3)
            ELSE 4
        END AS rank_max
    FROM line_progression AS lp
    LEFT JOIN latest_restaging AS lr ON lr.case_id = lp.case_id
),
t4_nodules AS (
    SELECT l.case_id, l.lesion_id FROM lesions AS l WHERE l.lung_relation = 'ipsilateral_other_lobe'
),
first_line_progression AS (
    -- the first scan after first line started (and before any later line) that shows progression: overall PD,
    -- or a lesion new or progressing on it
    SELECT i.case_id, min(i.scan_date) AS progression_date
    FROM imaging AS i
    JOIN therapy_agg AS ta ON ta.case_id = i.case_id
    LEFT JOIN scan_findings AS sf ON sf.case_id = i.case_id AND sf.scan_id = i.scan_id
    WHERE i.scan_date > ta.first_line_start_date
        AND (ta.later_line_start_date IS NULL OR i.scan_date <= ta.later_line_start_date)
        AND (i.response = 'PD' OR sf.n_new_or_progressing > 0)
    GROUP BY i.case_id
),
latest_scan_lesions AS (
    -- what the scans of the latest read date show: lesions present (a finding not in complete response), new;
    -- a T4 ipsilateral nodule is not a metastasis; a finding without status leaves both unknown. A lesion is on
    -- that date exactly when its own latest finding date is that date (no scan with findings is later). A
    -- count_if over only NULL is NULL (DuckDB): a latest scan showing no lesion must count 0, hence coalesce
    SELECT
        ls.case_id,
        count_if(coalesce(lf.latest_present, FALSE) AND t4.lesion_id IS NULL) AS n_present,
        count_if(coalesce(lf.latest_status_unknown, FALSE)) AS n_status_null,
        count_if(coalesce(lf.latest_new, FALSE) AND t4.lesion_id IS NULL) AS n_new
    FROM scan_dates AS ls
    LEFT JOIN lesion_findings AS lf ON lf.case_id = ls.case_id AND lf.latest_date = ls.latest_read_date
    LEFT JOIN t4_nodules AS t4 ON t4.case_id = lf.case_id AND t4.lesion_id = lf.lesion_id
    WHERE ls.latest_read_date IS NOT NULL
    GROUP BY ls.case_id
),
primary_treatment AS (
    -- curative-intent local treatment of the primary (surgery, SBRT, chemoradiotherapy ... with intent curative)
    SELECT
        lt.case_id,
        count_if(lt.intent = 'curative') AS n_curative,
        count_if(lt.intent IS NULL) AS n_intent_null,
        CASE
            WHEN count_if(lt.intent = 'curative' AND lt.treatment_date IS NULL) = 0
                THEN min(lt.treatment_date) FILTER (WHERE lt.intent = 'curative')
        END AS first_curative_date
    FROM local_treatments AS lt
    WHERE lt.target = 'primary'
    GROUP BY lt.case_id
)
SELECT
    p.case_id,
    p.assessment_date,
    -- patient
    coalesce(CAST(date_sub('year', p.birth_date, p.assessment_date) AS INTEGER), p.age_years) AS age_years,
    p.sex,
    p.ecog,
    -- tumour
    p.histology,
    p.histology_confirmed,
    p.diagnosis_date,
    p.t_category,
    p.n_category,
    p.driver_egfr,
    p.driver_alk,
    p.driver_ros1,
    p.driver_ret,
    p.driver_braf_v600e,
    p.driver_met_ex14,
    p.driver_ntrk,
    p.driver_kras_g12c,
    p.driver_her2,
    CASE
        WHEN 'positive' IN (
            p.driver_egfr, p.driver_alk, p.driver_ros1, p.driver_ret, p.driver_braf_v600e,
            p.driver_met_ex14, p.driver_ntrk, p.driver_kras_g12c, p.driver_her2
        ) THEN TRUE
        WHEN p.driver_egfr = 'negative' AND p.driver_alk = 'negative' AND p.driver_ros1 = 'negative'
            AND p.driver_ret = 'negative' AND p.driver_braf_v600e = 'negative' AND p.driver_met_ex14 = 'negative'
            AND p.driver_ntrk = 'negative' AND p.driver_kras_g12c = 'negative' AND p.driver_her2 = 'negative'
            THEN FALSE
    END AS any_driver_positive,
    p.pdl1_tps,
    -- primary and history
    p.primary_status,
    p.primary_radically_treatable,
    p.metastatic_diagnosis_date,
    p.polymetastatic_before,
    p.omd_before,
    p.prior_thoracic_rt,
    date_diff('day', p.diagnosis_date, p.metastatic_diagnosis_date) AS days_primary_to_metastatic,
    date_sub('month', p.diagnosis_date, p.metastatic_diagnosis_date) AS months_primary_to_metastatic,
    date_diff('day', p.metastatic_diagnosis_date, p.assessment_date) AS days_since_metastatic_diagnosis,
    -- staging
    ss.fdg_pet_ct_date,
    ss.brain_mri_date,
    p.mediastinal_staging,
    date_diff('day', ss.fdg_pet_ct_date, p.assessment_date) AS days_since_fdg_pet_ct,
    date_diff('day', ss.brain_mri_date, p.assessment_date) AS days_since_brain_mri,
    -- lesion counts (counting units: see docs/counting.md)
    p.lesions_known,
    CASE
        WHEN p.lesions_known AND coalesce(b.metastases_lo, 0) = coalesce(b.metastases_hi, 0)
            THEN coalesce(b.metastases_lo, 0)
    END
        AS n_metastases,
    CASE
        WHEN p.lesions_known AND coalesce(b.intracranial_lo, 0) = coalesce(b.intracranial_hi, 0)
            THEN coalesce(b.intracranial_lo, 0)
    END
        AS n_intracranial,
    CASE
        WHEN p.lesions_known AND coalesce(b.extracranial_lo, 0) = coalesce(b.extracranial_hi, 0)
            THEN coalesce(b.extracranial_lo, 0)
    END
        AS n_extracranial,
    CASE
        WHEN p.lesions_known AND coalesce(b.organs_lo, 0) = coalesce(b.organs_hi, 0)
            THEN coalesce(b.organs_lo, 0)
    END
        AS n_organs,
    CASE
        WHEN p.lesions_known AND coalesce(b.extracranial_organs_lo, 0) = coalesce(b.extracranial_organs_hi, 0)
            THEN coalesce(b.extracranial_organs_lo, 0)
    END
        AS n_extracranial_organs,
    CASE WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 THEN coalesce(b.n_extrathoracic, 0) END
        AS n_extrathoracic,
    CASE
        WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0
            THEN coalesce(b.n_extrathoracic_organs_distinct, 0)
    END AS n_extrathoracic_organs,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_m1a, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_site_unknown, 0) + coalesce(b.n_lung_relation_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_intrathoracic_m1a,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_nondiscrete, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_pattern_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_nondiscrete_lesion,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_not_amenable, 0) > 0 THEN FALSE
        WHEN coalesce(b.n_amenable_null, 0) > 0 THEN NULL
        ELSE TRUE
    END AS all_lesions_amenable,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_progressing, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_status_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_progressing,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_new, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_status_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_new,
    CASE
        WHEN p.lesions_known AND coalesce(b.progressing_extracranial_lo, 0) = coalesce(b.progressing_extracranial_hi, 0)
            THEN coalesce(b.progressing_extracranial_lo, 0)
    END
        AS n_progressing_extracranial,
    CASE
        WHEN p.lesions_known AND coalesce(b.progressing_extracranial_organs_lo, 0) = coalesce(b.progressing_extracranial_organs_hi, 0)
            THEN coalesce(b.progressing_extracranial_organs_lo, 0)
    END
        AS n_progressing_extracranial_organs,
    -- a lung lesion of unknown lung_relation is in the list whether or not it is a metastasis
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_outside_brain_adrenal_lung_bone, 0) > 0 THEN FALSE
        WHEN coalesce(b.n_organ_null, 0) > 0 THEN NULL
        ELSE TRUE
    END AS all_lesions_in_brain_adrenal_lung_bone,
    CASE WHEN p.lesions_known AND coalesce(b.n_size_null, 0) = 0 THEN b.max_lesion_size_mm END
        AS max_lesion_size_mm,
    -- systemic therapy
    p.systemic_known,
    CASE WHEN p.systemic_known THEN coalesce(ta.n_rows, 0) > 0 END AS any_systemic_therapy,
    CASE
        WHEN NOT p.systemic_known OR p.metastatic_diagnosis_date IS NULL THEN NULL
        WHEN coalesce(ta.n_active_at_mdx, 0) > 0 THEN TRUE
        WHEN coalesce(ta.n_start_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS on_systemic_at_metastatic_diagnosis,
    CASE
        WHEN NOT p.systemic_known THEN NULL
        WHEN coalesce(ta.n_ongoing, 0) > 0 THEN TRUE
        ELSE FALSE
    END AS on_systemic_at_assessment,
    CASE
        WHEN NOT p.systemic_known THEN NULL
        WHEN coalesce(ta.n_first_line_rows, 0) > 0 THEN TRUE
        WHEN coalesce(ta.n_line_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS has_first_line,
    CASE WHEN p.systemic_known THEN coalesce(ta.max_line, 0) END AS n_lines,
    ta.first_line_start_date,
    CASE WHEN ta.n_first_line_ongoing = 0 THEN ta.first_line_last_end_date END AS first_line_end_date,
    CASE WHEN ta.n_first_line_rows > 0 THEN ta.n_first_line_ongoing > 0 END AS first_line_ongoing,
    date_sub(
        'month',
        ta.first_line_start_date,
        CASE WHEN ta.n_first_line_ongoing > 0 THEN p.assessment_date ELSE ta.first_line_last_end_date END
    ) AS first_line_months,
    CASE WHEN ta.n_first_line_cycles_null = 0 THEN ta.first_line_cycles_sum END AS first_line_cycles,
    CASE
        WHEN ta.n_first_line_rows > 0 AND ta.n_first_line_response_null = 0 THEN
            CASE ta.first_line_best_response_rank WHEN 1 THEN 'CR' WHEN 2 THEN 'PR' WHEN 3 THEN 'SD' WHEN 4 THEN 'PD' END
    END AS first_line_best_response,
    ta.first_line_first_category AS first_line_category,
    CASE
        WHEN ta.n_first_line_io > 0 THEN TRUE
        WHEN ta.n_first_line_rows > 0 AND ta.n_first_line_category_null = 0 THEN FALSE
    END AS first_line_included_io,
    -- radiotherapy
    p.rt_known,
    CASE WHEN p.rt_known THEN coalesce(ra.n_rows, 0) END AS n_rt_courses
    -- >>> features added for guidelines (keep this marker)
    , CASE
        WHEN NOT p.lesions_known OR NOT p.systemic_known THEN NULL
        WHEN coalesce(b.n_new_after_first_line_start, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_new_after_first_line_start_unknown, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_new_on_first_line
    -- >>> features added for trials (keep this marker)
    , CASE WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 THEN coalesce(b.max_per_organ, 0) END
        AS max_metastases_per_organ
    , CASE WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 THEN coalesce(b.n_liver, 0) END
        AS n_liver_metastases
    , CASE WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 THEN coalesce(b.n_lung, 0) END
        AS n_lung_metastases
    , CASE
        WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 AND p.primary_status IN ('untreated', 'progressing')
            THEN coalesce(b.n_extracranial, 0) + 1
        WHEN p.lesions_known AND coalesce(b.n_site_unknown, 0) = 0 AND p.primary_status IN ('controlled', 'resected')
            THEN coalesce(b.n_extracranial, 0)
    END AS n_extracranial_with_primary
    , CASE
        WHEN p.lesions_known AND coalesce(b.progressing_lo, 0) = coalesce(b.progressing_hi, 0)
            THEN coalesce(b.progressing_lo, 0)
    END
        AS n_progressing_sites
    , date_sub('month', ta.first_line_start_date, p.metastatic_diagnosis_date)
        AS months_first_line_to_metastatic_diagnosis
    -- >>> bounds and timeline facts (docs/counting.md, docs/timeline-facts.md)
    , CASE WHEN p.lesions_known THEN coalesce(b.metastases_lo, 0) END AS n_metastases_min
    , CASE WHEN p.lesions_known THEN coalesce(b.metastases_hi, 0) END AS n_metastases_max
    , CASE WHEN p.lesions_known THEN coalesce(b.intracranial_lo, 0) END AS n_intracranial_min
    , CASE WHEN p.lesions_known THEN coalesce(b.intracranial_hi, 0) END AS n_intracranial_max
    , CASE WHEN p.lesions_known THEN coalesce(b.extracranial_lo, 0) END AS n_extracranial_min
    , CASE WHEN p.lesions_known THEN coalesce(b.extracranial_hi, 0) END AS n_extracranial_max
    , CASE WHEN p.lesions_known THEN coalesce(b.organs_lo, 0) END AS n_organs_min
    , CASE WHEN p.lesions_known THEN coalesce(b.organs_hi, 0) END AS n_organs_max
    , CASE WHEN p.lesions_known THEN coalesce(b.extracranial_organs_lo, 0) END AS n_extracranial_organs_min
    , CASE WHEN p.lesions_known THEN coalesce(b.extracranial_organs_hi, 0) END AS n_extracranial_organs_max
    , CASE WHEN p.lesions_known THEN coalesce(b.residual_lo, 0) END AS n_residual_metastases_min
    , CASE WHEN p.lesions_known THEN coalesce(b.residual_hi, 0) END AS n_residual_metastases_max
    , CASE WHEN p.lesions_known THEN coalesce(b.residual_extracranial_lo, 0) END AS n_residual_extracranial_min
    , CASE WHEN p.lesions_known THEN coalesce(b.residual_extracranial_hi, 0) END AS n_residual_extracranial_max
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_lo, 0) END AS n_progressing_sites_min
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_hi, 0) END AS n_progressing_sites_max
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_extracranial_lo, 0) END AS n_progressing_extracranial_min
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_extracranial_hi, 0) END AS n_progressing_extracranial_max
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_extracranial_organs_lo, 0) END
        AS n_progressing_extracranial_organs_min
    , CASE WHEN p.lesions_known THEN coalesce(b.progressing_extracranial_organs_hi, 0) END
        AS n_progressing_extracranial_organs_max
    , CASE
        WHEN p.lesions_known AND coalesce(b.residual_lo, 0) = coalesce(b.residual_hi, 0)
            THEN coalesce(b.residual_lo, 0)
    END
        AS n_residual_metastases
    , CASE
        WHEN p.lesions_known AND coalesce(b.residual_extracranial_lo, 0) = coalesce(b.residual_extracranial_hi, 0)
            THEN coalesce(b.residual_extracranial_lo, 0)
    END
        AS n_residual_extracranial
    , CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(b.n_progression_on_therapy, 0) > 0 THEN TRUE
        WHEN coalesce(b.n_progression_on_therapy_unknown, 0) > 0 THEN NULL
        ELSE FALSE
    END AS progression_on_systemic_therapy
    , CASE WHEN NOT p.systemic_known THEN NULL WHEN coalesce(ta.n_rows, 0) = 0 THEN 0 ELSE cl.line END AS current_line
    , cl.start_date AS current_line_start_date
    , date_sub('month', cl.start_date, CASE WHEN cl.ongoing THEN p.assessment_date ELSE cl.end_date END)
        AS current_line_months
    , ls.progressed AS progression_on_current_line
    , ls.rank_min AS current_line_response_rank_min
    , ls.rank_max AS current_line_response_rank_max
    , CASE
        WHEN ls.rank_min = ls.rank_max THEN
            CASE ls.rank_min WHEN 1 THEN 'CR' WHEN 2 THEN 'PR' WHEN 3 THEN 'SD' WHEN 4 THEN 'PD' END
    END AS current_line_response
    , CASE
        WHEN flp.progression_date IS NOT NULL
            THEN date_sub('month', ta.first_line_start_date, flp.progression_date)
        WHEN cl.line = 1 THEN date_sub('month', ta.first_line_start_date, p.metastatic_diagnosis_date)
    END AS first_line_benefit_months
    , ls.restaging_date AS current_line_restaging_date
    -- timeline facts (docs/timeline-facts.md): NULL for a case without findings (case@1 has none)
    , ss.latest_read_date AS latest_imaging_date
    , CASE WHEN lsl.n_status_null = 0 THEN lsl.n_present END AS n_lesions_on_latest_imaging
    , CASE WHEN ss.earliest_date < ss.latest_read_date AND lsl.n_status_null = 0 THEN lsl.n_new END
        AS n_new_since_previous_scan
    -- the primary: a curative-intent local treatment in the timeline; a known timeline without one is FALSE only
    -- when no treatment of the primary has an unknown intent. Without a timeline, the case@1 primary status
    -- (resected or controlled = treated definitively; untreated = no treatment at all)
    , CASE
        WHEN pt.n_curative > 0 THEN TRUE
        WHEN pt.n_intent_null > 0 THEN NULL
        WHEN p.local_treatments_known THEN FALSE
        WHEN p.primary_status IN ('resected', 'controlled') THEN TRUE
        WHEN p.primary_status = 'untreated' THEN FALSE
    END AS primary_curative_treatment
    , pt.first_curative_date AS primary_curative_treatment_date
FROM patients AS p
LEFT JOIN scan_dates AS ss ON ss.case_id = p.case_id
LEFT JOIN therapy_agg AS ta ON ta.case_id = p.case_id
LEFT JOIN rt_agg AS ra ON ra.case_id = p.case_id
LEFT JOIN bounds AS b ON b.case_id = p.case_id
LEFT JOIN current_line AS cl ON cl.case_id = p.case_id
LEFT JOIN line_state AS ls ON ls.case_id = p.case_id
LEFT JOIN first_line_progression AS flp ON flp.case_id = p.case_id
LEFT JOIN latest_scan_lesions AS lsl ON lsl.case_id = p.case_id
LEFT JOIN primary_treatment AS pt ON pt.case_id = p.case_id
