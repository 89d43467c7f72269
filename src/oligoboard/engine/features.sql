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
--    makes every count unknown (it may or may not be a metastasis). Organs are counted by the schema's organ value, so
--    bilateral adrenal lesions are one organ (TNM 9th "paired organ = one organ system").
--  * case@2 inputs (the first four CTEs): the staging scan dates and each lesion's current status and size
--    come from the imaging timeline (docs/case-contract.md, "How the engine reads the timeline"); every
--    lesion count below reads `lesions_current`, never the raw `lesions` table.
--  * Months are days / 30.4375 (mean Gregorian month) for display and thresholds on durations; calendar
--    cut-offs (the 6-month synchronous rule) compare dates with INTERVAL arithmetic in the knowledge files.
WITH
staging_scans AS (
    -- the latest dated scan of each kind on or before the assessment date, whatever its purpose (a restaging
    -- PET/CT is the newest whole-body staging); a brain MRI is an MRI that covers the brain (brain = TRUE:
    -- an MRI with unknown coverage is not counted). No scan of the kind: NULL, as an unknown v1 date was.
    SELECT
        i.case_id,
        max(i.scan_date) FILTER (WHERE i.modality = 'fdg_pet_ct' AND i.scan_date <= p.assessment_date)
            AS fdg_pet_ct_date,
        max(i.scan_date) FILTER (WHERE i.modality = 'mri' AND i.brain IS TRUE AND i.scan_date <= p.assessment_date)
            AS brain_mri_date
    FROM imaging AS i
    JOIN patients AS p ON p.case_id = i.case_id
    GROUP BY i.case_id
),
finding_dates AS (
    -- per lesion: the latest scan date recording it, and whether an undated scan records it (which might be later)
    SELECT f.case_id, f.lesion_id, max(i.scan_date) AS latest_date, count_if(i.scan_date IS NULL) AS n_undated
    FROM imaging_findings AS f
    JOIN imaging AS i ON i.case_id = f.case_id AND i.scan_id = f.scan_id
    GROUP BY f.case_id, f.lesion_id
),
latest_findings AS (
    -- the lesion as read on its latest scan; NULL when an undated scan records it or same-day reads disagree
    SELECT
        f.case_id,
        f.lesion_id,
        CASE WHEN count_if(f.status IS NULL) = 0 AND min(f.status) = max(f.status) THEN min(f.status) END AS status,
        CASE WHEN count_if(f.size_mm IS NULL) = 0 AND min(f.size_mm) = max(f.size_mm) THEN min(f.size_mm) END
            AS size_mm
    FROM imaging_findings AS f
    JOIN imaging AS i ON i.case_id = f.case_id AND i.scan_id = f.scan_id
    JOIN finding_dates AS d ON d.case_id = f.case_id AND d.lesion_id = f.lesion_id
    WHERE d.n_undated = 0 AND i.scan_date = d.latest_date
    GROUP BY f.case_id, f.lesion_id
),
lesions_current AS (
    -- each lesion with its current status and size: the latest finding, else the lesion's own summary
    -- (validation refuses a summary status that contradicts the latest finding)
    SELECT
        l.case_id,
        l.lesion_id,
        l.organ,
        l.laterality,
        l.lung_relation,
        l.pattern,
        l.detected_date,
        coalesce(lf.status, l.status) AS status,
        coalesce(lf.size_mm, l.size_mm) AS size_mm,
        l.amenable_to_lat,
        l.treated
    FROM lesions AS l
    LEFT JOIN latest_findings AS lf ON lf.case_id = l.case_id AND lf.lesion_id = l.lesion_id
),
lesion_agg AS (
    SELECT
        l.case_id,
        count(*) AS n_rows,
        -- lesions whose site is unknown: no organ, or a lung lesion that may be a T4 nodule
        count_if(l.organ IS NULL OR (l.organ = 'lung' AND l.lung_relation IS NULL)) AS n_site_unknown,
        count_if(l.organ = 'brain') AS n_brain,
        count_if(l.organ <> 'brain') AS n_extracranial,
        count(DISTINCT l.organ) AS n_organs_distinct,
        count(DISTINCT CASE WHEN l.organ <> 'brain' THEN l.organ END) AS n_extracranial_organs_distinct,
        count_if(l.organ NOT IN ('lung', 'pleura', 'pericardium')) AS n_extrathoracic,
        count(DISTINCT CASE WHEN l.organ NOT IN ('lung', 'pleura', 'pericardium') THEN l.organ END)
            AS n_extrathoracic_organs_distinct,
        count_if(l.organ IN ('pleura', 'pericardium') OR (l.organ = 'lung' AND l.lung_relation = 'contralateral'))
            AS n_m1a,
        count_if(l.organ = 'lung' AND l.lung_relation IS NULL) AS n_lung_relation_null,
        count_if(l.pattern IN ('effusion', 'diffuse')) AS n_nondiscrete,
        count_if(l.pattern IS NULL) AS n_pattern_null,
        count_if(l.amenable_to_lat = FALSE) AS n_not_amenable,
        count_if(l.amenable_to_lat IS NULL) AS n_amenable_null,
        count_if(l.status = 'progressing') AS n_progressing,
        count_if(l.status = 'new') AS n_new,
        count_if(l.status IS NULL) AS n_status_null,
        count_if(l.status = 'progressing' AND l.organ <> 'brain') AS n_progressing_extracranial,
        count_if(l.status IN ('progressing', 'new') AND l.organ <> 'brain') AS n_progressing_or_new_extracranial,
        count_if(l.status IS NULL AND (l.organ IS NULL OR l.organ <> 'brain')) AS n_status_null_extracranial,
        count(DISTINCT CASE WHEN l.status IN ('progressing', 'new') AND l.organ <> 'brain' THEN l.organ END)
            AS n_progressing_or_new_extracranial_organs,
        count_if(l.organ IN ('brain', 'adrenal', 'lung', 'bone')) AS n_in_brain_adrenal_lung_bone,
        max(l.size_mm) AS max_lesion_size_mm,
        count_if(l.size_mm IS NULL) AS n_size_null,
        -- added for trials: per-organ counts (Iyengar liver/lung limits, SABR-COMET per-organ limit) and
        -- progressing-or-new lesions anywhere (oligoprogression trials counting OPD sites, brain included)
        count_if(l.organ = 'liver') AS n_liver, count_if(l.organ = 'lung') AS n_lung,
        greatest(
            count_if(l.organ = 'brain'), count_if(l.organ = 'adrenal'), count_if(l.organ = 'bone'),
            count_if(l.organ = 'liver'), count_if(l.organ = 'lung'), count_if(l.organ = 'pleura'),
            count_if(l.organ = 'pericardium'), count_if(l.organ = 'distant_lymph_node'),
            count_if(l.organ = 'soft_tissue'), count_if(l.organ = 'kidney'), count_if(l.organ = 'other')
        ) AS max_per_organ,
        count_if(l.status IN ('progressing', 'new')) AS n_progressing_or_new
    FROM lesions_current AS l
    WHERE l.lung_relation IS DISTINCT FROM 'ipsilateral_other_lobe'
    GROUP BY l.case_id
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
        count_if(t.line = 1 AND t.category IS NULL) AS n_first_line_category_null
    FROM therapies AS t
    JOIN patients AS p ON p.case_id = t.case_id
    GROUP BY t.case_id
),
new_on_first_line AS (
    -- a lesion found new after first-line therapy started is progression on that therapy (RECIST: a new
    -- lesion is progressive disease); unknown when its status, its detection date or the start is unknown
    SELECT
        l.case_id,
        count_if(l.status = 'new' AND l.detected_date > ta.first_line_start_date) AS n_new_after_start,
        count_if(
            l.status IS NULL OR (l.status = 'new' AND (l.detected_date IS NULL OR ta.first_line_start_date IS NULL))
        ) AS n_unknown
    FROM lesions_current AS l
    JOIN therapy_agg AS ta ON ta.case_id = l.case_id
    WHERE l.lung_relation IS DISTINCT FROM 'ipsilateral_other_lobe'
    GROUP BY l.case_id
),
rt_agg AS (
    SELECT r.case_id, count(*) AS n_rows
    FROM rt_courses AS r
    GROUP BY r.case_id
)
SELECT
    p.case_id,
    p.assessment_date,
    -- patient
    coalesce(p.age_years, CAST(floor(date_diff('day', p.birth_date, p.assessment_date) / 365.25) AS INTEGER))
        AS age_years,
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
    date_diff('day', p.diagnosis_date, p.metastatic_diagnosis_date) / 30.4375 AS months_primary_to_metastatic,
    date_diff('day', p.metastatic_diagnosis_date, p.assessment_date) AS days_since_metastatic_diagnosis,
    -- staging
    ss.fdg_pet_ct_date,
    ss.brain_mri_date,
    p.mediastinal_staging,
    date_diff('day', ss.fdg_pet_ct_date, p.assessment_date) AS days_since_fdg_pet_ct,
    date_diff('day', ss.brain_mri_date, p.assessment_date) AS days_since_brain_mri,
    -- lesion counts (counting units: see docs/counting.md)
    p.lesions_known,
    CASE WHEN p.lesions_known AND coalesce(la.n_lung_relation_null, 0) = 0 THEN coalesce(la.n_rows, 0) END
        AS n_metastases,
    CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_brain, 0) END
        AS n_intracranial,
    CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_extracranial, 0) END
        AS n_extracranial,
    CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_organs_distinct, 0) END
        AS n_organs,
    CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0
            THEN coalesce(la.n_extracranial_organs_distinct, 0)
    END AS n_extracranial_organs,
    CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_extrathoracic, 0) END
        AS n_extrathoracic,
    CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0
            THEN coalesce(la.n_extrathoracic_organs_distinct, 0)
    END AS n_extrathoracic_organs,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(la.n_m1a, 0) > 0 THEN TRUE
        WHEN coalesce(la.n_site_unknown, 0) + coalesce(la.n_lung_relation_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_intrathoracic_m1a,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(la.n_nondiscrete, 0) > 0 THEN TRUE
        WHEN coalesce(la.n_pattern_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_nondiscrete_lesion,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(la.n_not_amenable, 0) > 0 THEN FALSE
        WHEN coalesce(la.n_amenable_null, 0) > 0 THEN NULL
        ELSE TRUE
    END AS all_lesions_amenable,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(la.n_progressing, 0) > 0 THEN TRUE
        WHEN coalesce(la.n_status_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_progressing,
    CASE
        WHEN NOT p.lesions_known THEN NULL
        WHEN coalesce(la.n_new, 0) > 0 THEN TRUE
        WHEN coalesce(la.n_status_null, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_new,
    CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) + coalesce(la.n_status_null_extracranial, 0) = 0
            THEN coalesce(la.n_progressing_or_new_extracranial, 0)
    END AS n_progressing_extracranial,
    CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) + coalesce(la.n_status_null_extracranial, 0) = 0
            THEN coalesce(la.n_progressing_or_new_extracranial_organs, 0)
    END AS n_progressing_extracranial_organs,
    CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0
            THEN coalesce(la.n_rows, 0) = coalesce(la.n_in_brain_adrenal_lung_bone, 0)
    END AS all_lesions_in_brain_adrenal_lung_bone,
    CASE WHEN p.lesions_known AND coalesce(la.n_size_null, 0) = 0 THEN la.max_lesion_size_mm END
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
    date_diff(
        'day',
        ta.first_line_start_date,
        CASE WHEN ta.n_first_line_ongoing > 0 THEN p.assessment_date ELSE ta.first_line_last_end_date END
    ) / 30.4375 AS first_line_months,
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
        WHEN coalesce(nf.n_new_after_start, 0) > 0 THEN TRUE
        WHEN coalesce(nf.n_unknown, 0) > 0 THEN NULL
        ELSE FALSE
    END AS any_lesion_new_on_first_line
    -- >>> features added for trials (keep this marker)
    , CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.max_per_organ, 0) END
        AS max_metastases_per_organ
    , CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_liver, 0) END
        AS n_liver_metastases
    , CASE WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 THEN coalesce(la.n_lung, 0) END
        AS n_lung_metastases
    , CASE
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 AND p.primary_status IN ('untreated', 'progressing')
            THEN coalesce(la.n_extracranial, 0) + 1
        WHEN p.lesions_known AND coalesce(la.n_site_unknown, 0) = 0 AND p.primary_status IN ('controlled', 'resected')
            THEN coalesce(la.n_extracranial, 0)
    END AS n_extracranial_with_primary
    , CASE
        WHEN p.lesions_known AND coalesce(la.n_status_null, 0) + coalesce(la.n_lung_relation_null, 0) = 0
            THEN coalesce(la.n_progressing_or_new, 0)
    END AS n_progressing_sites
    , date_diff('day', ta.first_line_start_date, p.metastatic_diagnosis_date) / 30.4375
        AS months_first_line_to_metastatic_diagnosis
FROM patients AS p
LEFT JOIN staging_scans AS ss ON ss.case_id = p.case_id
LEFT JOIN lesion_agg AS la ON la.case_id = p.case_id
LEFT JOIN therapy_agg AS ta ON ta.case_id = p.case_id
LEFT JOIN new_on_first_line AS nf ON nf.case_id = p.case_id
LEFT JOIN rt_agg AS ra ON ra.case_id = p.case_id
