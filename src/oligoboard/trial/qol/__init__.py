"""Patient-reported outcomes: EORTC QLQ-C30 v3.0 and QLQ-LC13 scoring from item responses (issue 16.4).

Item numbers and short scale names only: the questionnaires' wording is copyrighted (EORTC) and is not in
the repository (`shared/reference/trial-operations.md` §1.1). `scoring` holds the manual's rules shared by
every instrument; `qlq_c30` and `qlq_lc13` list their scales; `items` reads and validates a CSV of responses.
"""
