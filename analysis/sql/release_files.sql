-- Every file of every official release the book is built from, as the source manifest
-- (data/sources.csv) records it: source, publisher, title, DOI or address, licence, size.
SELECT *
FROM core_reference__sources
