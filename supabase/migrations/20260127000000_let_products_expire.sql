-- purchases (issue 16): a digital product can expire (seed 003's Workflow status active /
-- expired): no new sales, its buyers keep their access. A status of its own rather than
-- archived, which hides an offering from everyone but its provider. In a migration of its own:
-- a value added to an enum is usable only once the transaction that added it has committed.

alter type public.offering_status add value if not exists 'expired' after 'active';
