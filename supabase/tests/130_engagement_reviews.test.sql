-- reviews (issue 13): only the client of a completed booking reviews it, once; the provider
-- answers once; admins hide with a reason; ratings on provider and offering follow the visible
-- reviews; nobody writes the table or the ratings directly.
begin;
set local time zone 'UTC';
select plan(41);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('other_client');

-- Three bookings of the client (two completed), one of another client (completed).
select tests.authenticate_as('client');
select tests.book('done', tests.slot(2, '10:00'));
select tests.pay_by_card('done');
select tests.authenticate_as('client');
select tests.book('also_done', tests.slot(2, '12:00'));
select tests.pay_by_card('also_done');
select tests.authenticate_as('client');
select tests.book('coming', tests.slot(3, '10:00'));
select tests.pay_by_card('coming');
select tests.authenticate_as('other_client');
select tests.book('theirs', tests.slot(3, '12:00'));
select tests.pay_by_card('theirs');
select tests.clear_authentication();
update public.bookings set status = 'completed'
where id in (tests.booking('done'), tests.booking('also_done'), tests.booking('theirs'));

-- Who may write ----------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$select public.write_review(tests.booking('coming'), 5, 'Great')$$, 'PT409',
  'booking_id: only a completed booking can be reviewed (this one is confirmed)', 'a booking not yet completed cannot be reviewed');
select throws_ok(format($$select public.write_review(%L, 5)$$, tests.booking('theirs')), 'PT404', null,
  'nor someone else''s booking');
select throws_ok($$select public.write_review(tests.booking('done'), 6)$$, '22023', 'rating: give 1 to 5 stars', 'six stars are refused');
select lives_ok($$select public.write_review(tests.booking('done'), 4, 'Clear advice, a little rushed.')$$,
  'the client reviews a completed booking');
select throws_ok($$select public.write_review(tests.booking('done'), 1, 'again')$$, 'PT409',
  'booking_id: this booking already has your review; edit it instead', 'a second review of one booking is refused');
select throws_ok(
  $$insert into public.reviews (booking_id, offering_id, author_id, rating) values (tests.booking('also_done'), tests.advice(), auth.uid(), 5)$$,
  '42501', null, '[reviews/owner/insert] the table itself takes no insert, even a true one');
select throws_ok($$update public.reviews set rating = 5$$, '42501', null, '[reviews/owner/update] nor an update');
select throws_ok($$delete from public.reviews$$, '42501', null, '[reviews/owner/delete] nor a delete');
select results_eq($$select rating, body from public.reviews$$, $$values (4::smallint, 'Clear advice, a little rushed.')$$,
  '[reviews/owner/select] the author reads their review');
select lives_ok($$select public.write_review(tests.booking('also_done'), 2)$$, 'a second booking gets its own review');
select tests.authenticate_as('other_client');
select lives_ok(format($$select public.write_review(%L, 5, 'Excellent')$$, tests.booking('theirs')), 'and so does another client''s');

-- The ratings ------------------------------------------------------------------------------------------
select tests.clear_authentication();
select results_eq($$select rating, rating_count from public.provider_profiles where user_id = tests.get_supabase_uid('provider')$$,
  $$values (3.67::numeric(3,2), 3)$$, 'the provider''s rating is the average of the three reviews');
select results_eq($$select rating, rating_count from public.offerings where id = tests.advice()$$,
  $$values (3.67::numeric(3,2), 3)$$, 'and so is the offering''s');
select tests.authenticate_as('provider');
select throws_ok($$update public.provider_profiles set rating = 5 where user_id = auth.uid()$$, '42501', null,
  'a provider cannot write their own rating');
select throws_ok($$update public.offerings set rating = 5 where id = tests.advice()$$, '42501', null,
  'nor their offering''s');

-- Editing, answering, hiding ------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok(format($$select public.edit_review(%L, 5, 'On reflection: excellent.')$$,
  (select id from public.reviews where booking_id = tests.booking('done'))), 'the author edits their review');
select throws_ok(format($$select public.edit_review(%L, 1)$$,
  (select r.id from public.reviews r where r.booking_id = tests.booking('theirs'))), 'PT404', null,
  'but not someone else''s (they cannot even see which one it is by editing)');
select tests.clear_authentication();
select is((select rating from public.provider_profiles where user_id = tests.get_supabase_uid('provider')), 4.00::numeric(3,2),
  'an edit moves the rating (5, 2, 5)');

select tests.authenticate_as('provider');
select set_config('t.review', (select id::text from public.reviews where booking_id = tests.booking('also_done')), true);
select lives_ok($$select public.answer_review(current_setting('t.review')::uuid, 'Sorry it fell short; let us talk.')$$,
  'the provider answers a review');
select throws_ok($$select public.answer_review(current_setting('t.review')::uuid, 'And again')$$, 'PT409',
  'review_id: you have answered this review already', 'once');
select throws_ok($$select public.hide_review(current_setting('t.review')::uuid, true, 'I do not like it')$$, '42501',
  'only admins hide or show reviews', 'a provider cannot hide a review');
select tests.authenticate_as('stranger');
select throws_ok($$select public.answer_review(current_setting('t.review')::uuid, 'Not mine to answer')$$, 'PT404', null,
  'a stranger cannot answer it');

select tests.authenticate_as('admin');
select throws_ok($$select public.hide_review(current_setting('t.review')::uuid)$$, '22023', null, 'hiding needs a reason');
select lives_ok($$select public.hide_review(current_setting('t.review')::uuid, true, 'Personal details of staff')$$,
  'an admin hides a review with a reason');
select results_eq($$select count(*)::integer from public.reviews$$, $$values (3)$$,
  '[reviews/admin/select] admins read every review, hidden ones too');
select throws_ok($$update public.reviews set hidden_at = null$$, '42501', null, '[reviews/admin/update] admins go through hide_review too');
select throws_ok($$insert into public.reviews (booking_id, offering_id, author_id, rating) values (tests.booking('coming'), tests.advice(), auth.uid(), 5)$$,
  '42501', null, '[reviews/admin/insert] and write no review of their own making');
select throws_ok($$delete from public.reviews$$, '42501', null, '[reviews/admin/delete] nor delete one');
select tests.clear_authentication();
select results_eq($$select rating, rating_count from public.provider_profiles where user_id = tests.get_supabase_uid('provider')$$,
  $$values (5.00::numeric(3,2), 2)$$, 'a hidden review stops counting');

-- Who reads what --------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select rating from public.reviews order by rating$$, $$values (5::smallint), (5::smallint)$$,
  '[reviews/anon/select] anyone reads the visible reviews, not the hidden one');
select throws_ok($$insert into public.reviews (booking_id, offering_id, author_id, rating) values (tests.booking('coming'), tests.advice(), tests.get_supabase_uid('client'), 5)$$,
  '42501', null, '[reviews/anon/insert] anon writes none');
select throws_ok($$update public.reviews set rating = 1$$, '42501', null, '[reviews/anon/update] nor changes one');
select throws_ok($$delete from public.reviews$$, '42501', null, '[reviews/anon/delete] nor removes one');
select tests.authenticate_as('stranger');
select results_eq($$select count(*)::integer from public.reviews$$, $$values (2)$$, '[reviews/stranger/select] a stranger reads the visible ones');
select throws_ok($$update public.reviews set rating = 1$$, '42501', null, '[reviews/stranger/update] and changes none');
select throws_ok($$delete from public.reviews$$, '42501', null, '[reviews/stranger/delete] nor removes one');
select throws_ok($$insert into public.reviews (booking_id, offering_id, author_id, rating) values (tests.booking('coming'), tests.advice(), auth.uid(), 5)$$,
  '42501', null, '[reviews/stranger/insert] nor forges one');
select tests.authenticate_as('client');
select results_eq($$select hidden_reason from public.reviews where hidden_at is not null$$, $$values ('Personal details of staff')$$,
  'the author reads their hidden review and why it was hidden');

-- Withdrawing, and the provider hears of each review -----------------------------------------------------------
select lives_ok(format($$select public.delete_review(%L)$$, (select id from public.reviews where booking_id = tests.booking('done'))),
  'the author withdraws a review');
select tests.clear_authentication();
select results_eq($$select rating, rating_count from public.provider_profiles where user_id = tests.get_supabase_uid('provider')$$,
  $$values (5.00::numeric(3,2), 1)$$, 'it stops counting too');
select is((select count(*)::integer from private.notification_outbox o where o.event_type = 'review.received'
           and o.recipient_ids = array[tests.get_supabase_uid('provider')]), 3,
  'the provider was told of each of the three reviews');

select * from finish();
rollback;
