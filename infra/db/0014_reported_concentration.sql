-- IAQI and exceedances on the concentration as HJ 663 reports it, not on the float noise of a mean.
-- Why: a day whose readings average exactly 75.0 µg/m³ has a double mean of 75.0000019 (float32 readings), and
-- iaqi() raised that to 101 and the day counted as above the 75 µg/m³ limit. HJ 633 raises a real fraction of the
-- IAQI, not a representation error. HJ 663 reports PM2.5, PM10, SO2, NO2 and O3 in whole µg/m³ and CO in mg/m³ to
-- one decimal, rounded by GB/T 8170, China's general rounding rule (to the nearest step; an exact half to the even
-- neighbour); the IAQI and the limit comparison now take that value. The C# side,
-- analytics/AirQuality.Analytics/Standards/ReportedConcentration.cs, does the same operations in the same order.
-- What changes: iaqi() rounds its argument first (iaqi('2012', 'pm25', '24h', 35.1) is now 50, as for 35), and
-- computes in integers; new functions aq_reported_steps() and reported_concentration(); breakpoints must be whole
-- reporting steps. Every aggregated day is marked for recomputation, so the next `airq aggregate` rewrites the
-- stored IAQI, AQI and exceedances (the means do not change).

-- The concentration in whole reporting steps (µg/m³; tenths of mg/m³ for CO). First to a thousandth of a step
-- (one multiplication by an exact constant, then round(), which for double precision is rint(), as C#'s
-- Math.Round: float noise below half a thousandth is gone), then in integers to the nearest step, an exact half
-- to the even one.
CREATE FUNCTION aq_reported_steps(pollutant text, concentration double precision)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN g.guards IS NULL THEN NULL
                WHEN g.guards % 1000 > 500 OR (g.guards % 1000 = 500 AND (g.guards / 1000) % 2 = 1) THEN g.guards / 1000 + 1
                ELSE g.guards / 1000 END
    FROM (SELECT CASE WHEN aq_reported_steps.concentration IS NULL OR aq_reported_steps.concentration = 'NaN'::float8
                           OR aq_reported_steps.concentration < 0 THEN NULL
                      ELSE round(aq_reported_steps.concentration * CASE aq_reported_steps.pollutant WHEN 'co' THEN 10000 ELSE 1000 END)::bigint
                 END AS guards) g
$$;
COMMENT ON FUNCTION aq_reported_steps IS 'A concentration (µg/m³; CO mg/m³) as HJ 663 reports it, in whole steps: µg/m³, or tenths of mg/m³ for CO. Rounded by GB/T 8170 (nearest; an exact half to even) after float noise below a thousandth of a step is ignored; NULL for NULL, NaN or negative.';

CREATE FUNCTION reported_concentration(pollutant text, concentration double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT aq_reported_steps(reported_concentration.pollutant, reported_concentration.concentration)::float8
           / CASE reported_concentration.pollutant WHEN 'co' THEN 10 ELSE 1 END
$$;
COMMENT ON FUNCTION reported_concentration IS 'A concentration as HJ 663 reports it: whole µg/m³ (pm25, pm10, so2, no2, o3), CO mg/m³ to 0.1; GB/T 8170 rounding (an exact half to even: 40.5 -> 40, 41.5 -> 42). The IAQI and the PM2.5 limit comparison use this value; NULL for NULL, NaN or negative.';

-- Breakpoints are whole reporting steps, so the IAQI is integer arithmetic (and the same in C#).
ALTER TABLE aq_iaqi_breakpoints ADD CONSTRAINT aq_iaqi_breakpoints_whole_steps
    CHECK (concentration::numeric * CASE pollutant WHEN 'co' THEN 10 ELSE 1 END = trunc(concentration::numeric * CASE pollutant WHEN 'co' THEN 10 ELSE 1 END));

CREATE OR REPLACE FUNCTION iaqi(standard_version text, pollutant text, averaging text, concentration double precision)
RETURNS smallint LANGUAGE sql STABLE AS $$
    -- On the reported concentration, in steps: linear between the breakpoints around it, rounded up in integers
    -- (HJ 633: IAQI is a whole number, any fraction raised). Above the top breakpoint the IAQI is the top one
    -- (500; 300 for O3 8-hour, where HJ 633 has the 1-hour O3 IAQI reported instead, which the daily AQI does).
    SELECT CASE WHEN c.steps IS NULL THEN NULL
                WHEN hi.iaqi IS NULL THEN (SELECT max(t.iaqi) FROM aq_iaqi_breakpoints t
                                           WHERE t.standard_version = iaqi.standard_version AND t.pollutant = iaqi.pollutant AND t.averaging = iaqi.averaging)
                WHEN c.steps = 0 THEN 0::smallint
                ELSE (lo.iaqi + ((hi.iaqi - lo.iaqi) * (c.steps - lo.steps) + (hi.steps - lo.steps) - 1) / (hi.steps - lo.steps))::smallint END
    FROM (SELECT aq_reported_steps(iaqi.pollutant, iaqi.concentration) AS steps) c
    LEFT JOIN LATERAL (
        SELECT b.iaqi::bigint AS iaqi, aq_reported_steps(b.pollutant, b.concentration) AS steps FROM aq_iaqi_breakpoints b
        WHERE b.standard_version = iaqi.standard_version AND b.pollutant = iaqi.pollutant AND b.averaging = iaqi.averaging
          AND aq_reported_steps(b.pollutant, b.concentration) >= c.steps AND b.iaqi > 0
        ORDER BY b.iaqi LIMIT 1
    ) hi ON true
    LEFT JOIN LATERAL (
        SELECT b.iaqi::bigint AS iaqi, aq_reported_steps(b.pollutant, b.concentration) AS steps FROM aq_iaqi_breakpoints b
        WHERE b.standard_version = iaqi.standard_version AND b.pollutant = iaqi.pollutant AND b.averaging = iaqi.averaging
          AND b.iaqi < hi.iaqi
        ORDER BY b.iaqi DESC LIMIT 1
    ) lo ON true
$$;
COMMENT ON FUNCTION iaqi IS 'Individual AQI of a concentration (µg/m³; CO mg/m³) under a standard_version and averaging period (24h, 8h, 1h), taken as reported (reported_concentration(): whole µg/m³, CO to 0.1 mg/m³), linear between breakpoints and rounded up; the top IAQI above the top breakpoint; NULL for NULL, NaN or negative.';

GRANT EXECUTE ON FUNCTION reported_concentration(text, double precision), aq_reported_steps(text, double precision) TO airq_analyst;

-- The stored IAQI, AQI and exceedances were judged on unrounded means: recompute every aggregated day.
INSERT INTO aggregation_dirty_hours AS d (hour_start)
SELECT DISTINCT hour_start FROM sensor_hourly
ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1;
