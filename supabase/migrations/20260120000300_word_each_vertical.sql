-- Notification wording per vertical (issue 21, item 7).
--
-- Every seeded template spoke of bookings. Payments and invoices are shared by every vertical
-- (a workflow bought in the store, a job paid to a plumber), so their words now name the
-- invoice and what was paid for, never a booking. The store's purchases (seed 003), the job
-- portal's jobs and bids (seed 004) and the pet lab's samples and reports (seed 001) get event
-- types and words of their own, in their own vocabulary. Their producers (purchases, jobs,
-- lab items) arrive with their issues; the events and words are ready for them, and
-- supabase/tests/087_notifications_wording pins the vocabulary of every template.

insert into public.notification_categories (key, critical, default_channels, description) values
  ('purchases', false, '{in_app,email}', 'What you bought in the store: downloads and their refunds.');

update public.notification_categories
set description = 'Samples collected, results and reports that are ready.'
where key = 'reports';

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('purchase.completed', 'purchases', '{purchase_id,offering_title,amount,currency,invoice_number,action_url}',
   'success', 6, 'A purchase in the store is paid: its files can be downloaded.'),
  ('purchase.refunded', 'purchases', '{purchase_id,offering_title,amount,currency,invoice_number,action_url}',
   'info', 6, 'A purchase was refunded: its downloads end.'),
  ('job.bid_received', 'jobs', '{job_id,job_title,provider_name,amount,currency,action_url}',
   'info', 5, 'A provider bid on a client''s job.'),
  ('job.bid_accepted', 'jobs', '{job_id,job_title,client_name,amount,currency,starts_at,timezone,action_url}',
   'success', 6, 'The client accepted a provider''s bid: the job is theirs.'),
  ('job.bid_rejected', 'jobs', '{job_id,job_title,action_url}',
   'info', 3, 'The client chose another bid, or the job was withdrawn.'),
  ('job.started', 'jobs', '{job_id,job_title,provider_name,action_url}',
   'info', 5, 'The assigned provider started the work.'),
  ('job.completed', 'jobs', '{job_id,job_title,provider_name,action_url}',
   'success', 5, 'The assigned provider finished the work.'),
  ('sample.collected', 'reports', '{booking_id,pet_name,test_title,collected_at,timezone,action_url}',
   'info', 4, 'A pet''s sample was collected for a lab test.'),
  ('report.ready', 'reports', '{booking_id,pet_name,test_title,action_url}',
   'success', 6, 'A lab report was released to the pet''s owner.'),
  ('report.critical', 'reports', '{booking_id,pet_name,test_title,analyte,value,action_url}',
   'error', 9, 'A result beyond its critical limit: the lab''s staff must act now.');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  -- Store (seed 003) ------------------------------------------------------------------------------
  ('purchase.completed', 'in_app', null, 'Ready to download',
   '{{ offering_title }} is yours: {{ amount }} {{ currency }} paid (invoice {{ invoice_number }}). Download it now.', '{{ action_url }}'),
  ('purchase.completed', 'email', 'Your download of {{ offering_title }} is ready', 'Thank you for your purchase',
   E'Hi {{ recipient_name }},\n\nYour purchase of {{ offering_title }} is paid: {{ amount }} {{ currency }}, invoice {{ invoice_number }}.\n\nDownload your files whenever you like: {{ action_url }}',
   '{{ action_url }}'),
  ('purchase.completed', 'sms', null, 'Ready to download',
   '{{ offering_title }} is yours. Download it: {{ action_url }}', '{{ action_url }}'),
  ('purchase.completed', 'push', null, 'Ready to download', '{{ offering_title }} is yours. Tap to download.', '{{ action_url }}'),
  ('purchase.refunded', 'in_app', null, 'Purchase refunded',
   '{{ amount }} {{ currency }} for {{ offering_title }} (invoice {{ invoice_number }}) was refunded; its downloads have ended.',
   '{{ action_url }}'),
  ('purchase.refunded', 'email', 'Your purchase of {{ offering_title }} was refunded', 'Your refund is on its way',
   E'Hi {{ recipient_name }},\n\nWe refunded {{ amount }} {{ currency }} for your purchase of {{ offering_title }} (invoice {{ invoice_number }}) to the way you paid. Its downloads have ended.\n\nBanks usually take 5 to 10 business days to show it.\n\nDetails: {{ action_url }}',
   '{{ action_url }}'),
  ('purchase.refunded', 'sms', null, 'Purchase refunded',
   'Refund of {{ amount }} {{ currency }} for {{ offering_title }} is on its way. {{ action_url }}', '{{ action_url }}'),
  ('purchase.refunded', 'push', null, 'Purchase refunded', '{{ amount }} {{ currency }} for {{ offering_title }} was refunded.',
   '{{ action_url }}'),
  -- Job portal (seed 004) -------------------------------------------------------------------------
  ('job.bid_received', 'in_app', null, 'New bid on your job',
   '{{ provider_name }} bid {{ amount }} {{ currency }} on {{ job_title }}.', '{{ action_url }}'),
  ('job.bid_received', 'email', 'New bid on {{ job_title }}', 'A new bid on your job',
   E'Hi {{ recipient_name }},\n\n{{ provider_name }} bid {{ amount }} {{ currency }} on your job {{ job_title }}.\n\nCompare the bids and choose one: {{ action_url }}',
   '{{ action_url }}'),
  ('job.bid_received', 'sms', null, 'New bid on your job',
   '{{ provider_name }} bid {{ amount }} {{ currency }} on {{ job_title }}. See the bids: {{ action_url }}', '{{ action_url }}'),
  ('job.bid_received', 'push', null, 'New bid on your job', '{{ provider_name }} bid {{ amount }} {{ currency }}.', '{{ action_url }}'),
  ('job.bid_accepted', 'in_app', null, 'Your bid won',
   '{{ client_name }} accepted your bid of {{ amount }} {{ currency }} for {{ job_title }}, starting {{ starts_at }} ({{ timezone }}).',
   '{{ action_url }}'),
  ('job.bid_accepted', 'email', 'You got the job: {{ job_title }}', 'Your bid was accepted',
   E'Hi {{ recipient_name }},\n\n{{ client_name }} accepted your bid of {{ amount }} {{ currency }} for {{ job_title }}.\n\nStart: {{ starts_at }} ({{ timezone }})\n\nThe job''s address and chat are open to you now: {{ action_url }}',
   '{{ action_url }}'),
  ('job.bid_accepted', 'sms', null, 'Your bid won',
   'You got the job {{ job_title }}, starting {{ starts_at }} ({{ timezone }}). Details: {{ action_url }}', '{{ action_url }}'),
  ('job.bid_accepted', 'push', null, 'Your bid won', 'You got the job {{ job_title }}.', '{{ action_url }}'),
  ('job.bid_rejected', 'in_app', null, 'Job taken', '{{ job_title }} went to another bid. Other jobs near you are waiting.',
   '{{ action_url }}'),
  ('job.bid_rejected', 'email', '{{ job_title }} went to another bid', 'This job went to someone else',
   E'Hi {{ recipient_name }},\n\nThe client chose another bid for {{ job_title }}. Thank you for bidding.\n\nJobs near you: {{ action_url }}',
   '{{ action_url }}'),
  ('job.bid_rejected', 'sms', null, 'Job taken', '{{ job_title }} went to another bid. {{ action_url }}', '{{ action_url }}'),
  ('job.bid_rejected', 'push', null, 'Job taken', '{{ job_title }} went to another bid.', '{{ action_url }}'),
  ('job.started', 'in_app', null, 'Work started', '{{ provider_name }} started work on {{ job_title }}.', '{{ action_url }}'),
  ('job.started', 'email', 'Work started on {{ job_title }}', 'Work has started',
   E'Hi {{ recipient_name }},\n\n{{ provider_name }} started work on your job {{ job_title }}.\n\nFollow it and chat with them: {{ action_url }}',
   '{{ action_url }}'),
  ('job.started', 'sms', null, 'Work started', '{{ provider_name }} started on {{ job_title }}. {{ action_url }}', '{{ action_url }}'),
  ('job.started', 'push', null, 'Work started', '{{ provider_name }} started on {{ job_title }}.', '{{ action_url }}'),
  ('job.completed', 'in_app', null, 'Job done', '{{ provider_name }} finished {{ job_title }}. Confirm and rate the work.',
   '{{ action_url }}'),
  ('job.completed', 'email', '{{ job_title }} is done', 'The job is done',
   E'Hi {{ recipient_name }},\n\n{{ provider_name }} finished your job {{ job_title }}.\n\nConfirm the work and leave a review: {{ action_url }}',
   '{{ action_url }}'),
  ('job.completed', 'sms', null, 'Job done', '{{ provider_name }} finished {{ job_title }}. Confirm: {{ action_url }}', '{{ action_url }}'),
  ('job.completed', 'push', null, 'Job done', '{{ provider_name }} finished {{ job_title }}. Tap to confirm.', '{{ action_url }}'),
  -- Pet lab (seed 001) ----------------------------------------------------------------------------
  ('sample.collected', 'in_app', null, 'Sample collected',
   'We collected {{ pet_name }}''s sample for {{ test_title }} on {{ collected_at }} ({{ timezone }}). It is on its way to the lab.',
   '{{ action_url }}'),
  ('sample.collected', 'email', 'We collected {{ pet_name }}''s sample', 'Sample collected',
   E'Hi {{ recipient_name }},\n\nWe collected {{ pet_name }}''s sample for {{ test_title }} on {{ collected_at }} ({{ timezone }}). It is on its way to the lab, and we will tell you when the report is ready.\n\nFollow the test: {{ action_url }}',
   '{{ action_url }}'),
  ('sample.collected', 'sms', null, 'Sample collected',
   '{{ pet_name }}''s sample for {{ test_title }} is on its way to the lab. {{ action_url }}', '{{ action_url }}'),
  ('sample.collected', 'push', null, 'Sample collected', '{{ pet_name }}''s sample is on its way to the lab.', '{{ action_url }}'),
  ('report.ready', 'in_app', null, 'Report ready', '{{ pet_name }}''s {{ test_title }} report is ready to read.', '{{ action_url }}'),
  ('report.ready', 'email', '{{ pet_name }}''s {{ test_title }} report is ready', 'The report is ready',
   E'Hi {{ recipient_name }},\n\nThe lab released {{ pet_name }}''s {{ test_title }} report.\n\nRead it and download the PDF: {{ action_url }}',
   '{{ action_url }}'),
  ('report.ready', 'sms', null, 'Report ready', '{{ pet_name }}''s {{ test_title }} report is ready: {{ action_url }}', '{{ action_url }}'),
  ('report.ready', 'push', null, 'Report ready', '{{ pet_name }}''s {{ test_title }} report is ready.', '{{ action_url }}'),
  ('report.critical', 'in_app', null, 'Critical result',
   '{{ test_title }} for {{ pet_name }}: {{ analyte }} is {{ value }}, beyond its critical limit.', '{{ action_url }}'),
  ('report.critical', 'email', 'Critical result: {{ analyte }} for {{ pet_name }}', 'A critical result needs you now',
   E'Hi {{ recipient_name }},\n\n{{ test_title }} for {{ pet_name }}: {{ analyte }} is {{ value }}, beyond its critical limit.\n\nReview the results: {{ action_url }}',
   '{{ action_url }}'),
  ('report.critical', 'sms', null, 'Critical result',
   'CRITICAL {{ analyte }} {{ value }} for {{ pet_name }} ({{ test_title }}). {{ action_url }}', '{{ action_url }}'),
  ('report.critical', 'push', null, 'Critical result', '{{ analyte }} {{ value }} for {{ pet_name }}.', '{{ action_url }}');

-- Shared payment words name the invoice and what was paid for, never a booking.
update public.notification_templates
set body = E'Hi {{ recipient_name }},\n\nWe received your payment of {{ amount }} {{ currency }} for {{ offering_title }}.\n\nInvoice: {{ invoice_number }}\n\nYour invoice and what it pays for: {{ action_url }}'
where event_type = 'payment.succeeded' and channel = 'email' and locale = 'en';

update public.notification_templates
set body = E'Hi {{ recipient_name }},\n\nWe checked your payment of {{ amount }} {{ currency }} and invoice {{ invoice_number }} is now paid.\n\nSee it here: {{ action_url }}'
where event_type = 'invoice.approved' and channel = 'email' and locale = 'en';
