-- English display label per commodity_id, for figures and tables
-- (the reviewed reference table data/reference/commodity_labels.csv).
SELECT commodity_id, label_en
FROM core_reference__commodity_labels
ORDER BY commodity_id
