-- The report's reading, heading by heading, of which of China's export-control announcements
-- (event ids of data/curated/events.csv) hits which US HTS heading: a heading is wider than
-- the controlled product. One row per heading and announcement, with the announcement's date
-- and title; headings in the crosswalk's order (data/reference/hts_export_controls.csv).
SELECT
    x.hts_heading,
    x.covers,
    x.heading_order::INTEGER AS heading_order,
    x.event_id,
    e.date AS date_str,
    e.title_en AS act
FROM core_reference__hts_export_controls AS x
LEFT JOIN core_curated__events AS e USING (event_id)
ORDER BY heading_order, e.date, x.event_id
