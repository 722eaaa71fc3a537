-- One event of data/curated/events.csv by its id ($event_id).
SELECT * EXCLUDE (_file)
FROM core_curated__events
WHERE event_id = $event_id
