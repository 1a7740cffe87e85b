-- lifecycle: the audit log (20260130001000) records deletions and restores.
--
-- A soft delete writes one row of private.deletions (root, who, reason, rows per table) and
-- stamps the rows it took; a restore or a purge updates that row. Auditing the deletions table
-- gives one audit row per deletion, restore and purge, not one per row of a 10,000-row cascade.
select private.audit_table('private.deletions');
