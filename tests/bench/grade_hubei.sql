-- The Hubei grading of DOMAIN.md §1 and §3.1 as one SQL statement: the reference the grade
-- benchmark measures kam against (same database, same year, decisions written with a
-- reason each).  Money in fen.
CREATE TABLE IF NOT EXISTS ref_decisions (code INTEGER, year INTEGER, grade TEXT, reason TEXT);
INSERT INTO ref_decisions
WITH rev AS (
  -- EMS and logistics lines only (DOMAIN §3.1)
  SELECT code, sum(CASE WHEN line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding')
                        THEN amount END) AS revenue
  FROM ledger WHERE month BETWEEN 202501 AND 202512 GROUP BY code
), c AS (
  SELECT cu.code, cu.place, cu.agreement, cu.important, cu.potential, cu.network_wide,
         CASE WHEN cu.place = 'county' THEN cu.county ELSE cu.city END AS bureau,
         coalesce(rev.revenue, 0) AS revenue
  FROM customers cu LEFT JOIN rev ON rev.code = cu.code
), r AS (
  -- only agreement customers with revenue above zero in a known bureau rank (DOMAIN §1)
  SELECT c.*, CASE WHEN agreement AND revenue > 0 AND coalesce(bureau, '') <> ''
                   THEN rank() OVER (PARTITION BY bureau, agreement AND revenue > 0 AND coalesce(bureau, '') <> ''
                                     ORDER BY revenue DESC) END AS rnk
  FROM c
), g AS (
  SELECT r.*,
    CASE place
      WHEN 'capital' THEN CASE WHEN revenue >= 50000000 THEN 1 WHEN revenue >= 30000000 THEN 2
                               WHEN revenue >= 10000000 THEN 3 WHEN revenue >= 1000000 THEN 4 END
      WHEN 'city' THEN CASE WHEN revenue >= 20000000 THEN 1 WHEN revenue >= 10000000 THEN 2
                            WHEN revenue >= 5000000 THEN 3 WHEN revenue >= 1000000 THEN 4 END
      ELSE CASE WHEN revenue >= 10000000 THEN 1 WHEN revenue >= 5000000 THEN 2
                WHEN revenue >= 3000000 THEN 3 WHEN revenue >= 1000000 THEN 4 END
    END AS rev_grade,
    min(CASE WHEN network_wide THEN 1 ELSE 9 END,
        CASE important WHEN 'province' THEN 2 WHEN 'city' THEN 3 WHEN 'county' THEN 4 ELSE 9 END,
        CASE potential WHEN 'province' THEN 2 WHEN 'city' THEN 3 WHEN 'county' THEN 4 ELSE 9 END) AS status_grade
  FROM r
)
SELECT code, 2025,
  CASE WHEN (agreement AND revenue >= 1000000) OR rnk <= 5 OR important IS NOT NULL
            OR potential IS NOT NULL OR network_wide
       THEN CAST(min(coalesce(rev_grade, 4), status_grade) AS TEXT) ELSE 'none' END,
  printf('revenue %d.%02d, place %s, rank %s, status %s', revenue / 100, abs(revenue % 100), place,
         coalesce(rnk, '-'), status_grade)
FROM g;
