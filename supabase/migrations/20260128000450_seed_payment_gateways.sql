-- payments / gateways: what marketbase supports out of the box. Stripe and the manual methods
-- on; PayPal off until an admin turns it on (it needs the Lambdas' PAYPAL_* settings).

insert into public.payment_gateways (gateway, is_active, test_mode, currencies) values
  ('stripe', true, true, '{USD,EUR,GBP}'),
  ('paypal', false, true, '{USD,EUR,GBP}'),
  ('bank_transfer', true, false, '{USD,EUR,GBP}'),
  ('qr', true, false, '{USD,EUR,GBP}'),
  ('cash', true, false, '{USD,EUR,GBP}');
