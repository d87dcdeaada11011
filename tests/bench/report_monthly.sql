-- kam report monthly --month 2025-06 under hubei, as plain SQL for the sqlite3 shell: the
-- same figures (tests/bench/report.sh times the two in one run).  Key accounts: current
-- 2024 grade not 'none'; revenue: the EMS and logistics lines.
CREATE TEMP TABLE key AS
  SELECT d.code, d.grade FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2024 AND d.grade <> 'none' AND d.id IN (SELECT max(d2.id) FROM decisions d2
    JOIN grading_runs r2 ON r2.id = d2.run WHERE r2.year = 2024 GROUP BY d2.code);
CREATE TEMP TABLE w AS
  SELECT code,
    sum(CASE WHEN month = 202506 THEN amount ELSE 0 END) AS now,
    sum(CASE WHEN month = 202505 THEN amount ELSE 0 END) AS prev,
    sum(CASE WHEN month = 202406 THEN amount ELSE 0 END) AS ly,
    sum(CASE WHEN month BETWEEN 202501 AND 202506 THEN amount ELSE 0 END) AS ytd,
    sum(CASE WHEN month BETWEEN 202401 AND 202406 THEN amount ELSE 0 END) AS ytdly
  FROM ledger WHERE month BETWEEN 202401 AND 202506
    AND line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding')
  GROUP BY code;
.mode list
SELECT 'overview', sum(now), sum(prev), sum(ly), sum(ytd), sum(ytdly) FROM key JOIN w USING (code);
SELECT 'all', sum(amount) FROM ledger WHERE month IN (202505, 202506)
  AND line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding') GROUP BY month;
SELECT 'counts', (SELECT count(*) FROM key), count(*) FILTER (WHERE now > 0),
  count(*) FILTER (WHERE now > 0 AND prev <= 0), sum(now) FILTER (WHERE now > 0 AND prev <= 0),
  count(*) FILTER (WHERE prev > 0 AND now <= 0), sum(prev) FILTER (WHERE prev > 0 AND now <= 0)
  FROM key JOIN w USING (code);
SELECT 'grade', grade, count(*), sum(coalesce(now, 0)), sum(coalesce(prev, 0)) FROM key LEFT JOIN w USING (code) GROUP BY grade;
SELECT 'fluctuation', printf('%014d', k.code), c.name, k.grade, coalesce(w.prev, 0), coalesce(w.now, 0),
    coalesce(w.now, 0) - coalesce(w.prev, 0),
    coalesce((SELECT explanation FROM fluctuation_notes n WHERE n.code = k.code AND n.month = 202506 ORDER BY id DESC LIMIT 1), '未说明')
  FROM key k JOIN customers c USING (code) LEFT JOIN w USING (code)
  WHERE c.one_time = 0 AND CASE WHEN coalesce(w.prev, 0) = 0 THEN coalesce(w.now, 0) <> 0
    ELSE abs(w.now - w.prev) * 100 > 30 * abs(w.prev) END
  ORDER BY abs(coalesce(w.now, 0) - coalesce(w.prev, 0)) DESC, k.code;
SELECT 'top', printf('%014d', k.code), c.name, k.grade, coalesce(w.now, 0), coalesce(w.prev, 0), coalesce(w.ytd, 0)
  FROM key k JOIN customers c USING (code) LEFT JOIN w USING (code) ORDER BY coalesce(w.now, 0) DESC, k.code LIMIT 10;
SELECT 'trend', month, sum(amount), sum(CASE WHEN code IN (SELECT code FROM key) THEN amount ELSE 0 END)
  FROM ledger WHERE month BETWEEN 202307 AND 202506
    AND line IN ('express', 'same_city', 'international', 'logistics', 'freight', 'forwarding')
  GROUP BY month;
