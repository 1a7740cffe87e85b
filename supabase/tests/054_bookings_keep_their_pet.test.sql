-- A pet with bookings is archived, not deleted (issue 21, item 5): the bookings keep naming it,
-- the owner and the provider keep reading it, it cannot be booked again until restored.
begin;
set local time zone 'UTC';
select plan(14);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.open_marketplace();
select tests.create_supabase_user('stranger');
insert into public.pets (id, owner_id, name, species) values
  ('be000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 'Rex', 'dog'),
  ('be000000-0000-4000-8000-000000000002', tests.get_supabase_uid('client'), 'Mia', 'cat');

select tests.authenticate_as('client');
select set_config('t.rex', public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', tests.advice())),
                                                 tests.slot(2, '10:00'), pet_id => 'be000000-0000-4000-8000-000000000001')::text,
                  true);

-- The owner removes both pets ---------------------------------------------------------------------
select is_empty($$delete from public.pets where name = 'Rex' returning id$$,
  'deleting a pet that has a booking removes no row');
select results_eq($$select name, archived_at is not null from public.pets order by name$$,
  $$values ('Mia', false), ('Rex', true)$$,
  'it is archived instead, and stays readable by its owner');
select results_eq($$delete from public.pets where name = 'Mia' returning name$$, $$values ('Mia')$$,
  'a pet without bookings is deleted');
select results_eq($$select p.name from public.bookings b join public.pets p on p.id = b.pet_id$$, $$values ('Rex')$$,
  'the booking still says which animal it is for');
select throws_ok(
  $$select public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', tests.advice())), tests.slot(3, '10:00'),
                                 pet_id => 'be000000-0000-4000-8000-000000000001')$$,
  '22023', 'pet_id: Rex is archived; restore the pet to book for it', 'an archived pet cannot be booked');
select lives_ok($$update public.pets set archived_at = null where name = 'Rex'$$, 'the owner restores the pet');
select lives_ok(
  $$select public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', tests.advice())), tests.slot(3, '10:00'),
                                 pet_id => 'be000000-0000-4000-8000-000000000001')$$,
  'a restored pet is booked again');
select lives_ok($$update public.pets set archived_at = now() where name = 'Rex'$$, 'the owner may also archive outright');

-- Others ------------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select results_eq($$select name, archived_at is not null from public.pets$$, $$values ('Rex', true)$$,
  'the provider of its bookings still reads the archived pet');
select is_empty($$delete from public.pets returning id$$, 'a provider cannot remove a client''s pet');
select tests.authenticate_as('stranger');
select is_empty($$update public.pets set archived_at = null returning id$$, 'a stranger cannot restore someone''s pet');
select tests.authenticate_as('admin');
select is_empty($$delete from public.pets where name = 'Rex' returning id$$, 'an admin''s delete archives as well');
select tests.clear_authentication();
alter table public.pets disable trigger archive_booked_pet;
select throws_ok($$delete from public.pets where name = 'Rex'$$, '23503', null,
  'without the trigger, the foreign key still refuses to delete a booked pet');
alter table public.pets enable trigger archive_booked_pet;
select is((select count(*)::integer from public.pets), 1, 'the pet is still there');

select * from finish();
rollback;
