-- pets (pet lab): a client's animals, read and written by the client and admins only.
begin;
select plan(28);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- owner (the client) --------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.pets (owner_id, name, species, breed, sex, birth_date, weight_kg)
    values (tests.get_supabase_uid('owner'), 'Rex', 'dog', 'Beagle', 'male', current_date - interval '3 years', 12.5)$$,
  '[pets/owner/insert] a client adds their pet');
select results_eq($$select name, species from public.pets$$, $$values ('Rex', 'dog'::public.pet_species)$$,
  '[pets/owner/select] a client reads their own pets');
select results_eq(
  $$update public.pets set weight_kg = 13, notes = 'Nervous at the vet' where name = 'Rex' returning weight_kg, notes$$,
  $$values (13.00::numeric(6,2), 'Nervous at the vet')$$, '[pets/owner/update] a client updates their pet''s weight and notes');
select throws_ok($$update public.pets set created_at = now() - interval '1 year'$$, '42501', null,
  'a client cannot rewrite when a pet was recorded');
select throws_ok($$update public.pets set birth_date = current_date + 1 where name = 'Rex'$$, '23514',
  'new row for relation "pets" violates check constraint "pets_birth_date_past"', 'a pet born tomorrow is refused');
select throws_ok($$update public.pets set weight_kg = 0 where name = 'Rex'$$, '23514',
  'new row for relation "pets" violates check constraint "pets_weight_positive"', 'a weightless pet is refused');
select throws_ok($$update public.pets set sex = 'neutered' where name = 'Rex'$$, '23514',
  'new row for relation "pets" violates check constraint "pets_sex_values"', 'a sex other than male, female or unknown is refused');
select throws_ok($$update public.pets set name = '' where name = 'Rex'$$, '23514',
  'new row for relation "pets" violates check constraint "pets_name_length"', 'a pet without a name is refused');
select throws_ok(
  $$insert into public.pets (owner_id, name, species) values (tests.get_supabase_uid('owner'), 'Smaug', 'dragon')$$,
  '22P02', 'invalid input value for enum pet_species: "dragon"', 'an unknown species is refused');
select throws_ok($$update public.pets set owner_id = tests.get_supabase_uid('stranger')$$, '42501', null,
  'a client cannot hand their pet to someone else');
select throws_ok(
  $$insert into public.pets (owner_id, name, species) values (tests.get_supabase_uid('stranger'), 'Gift', 'cat')$$,
  '42501', 'new row violates row-level security policy for table "pets"', 'a client cannot add a pet to another client');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.pets$$, '[pets/stranger/select] a user cannot see another client''s pets');
select throws_ok(
  $$insert into public.pets (owner_id, name, species) values (tests.get_supabase_uid('owner'), 'Intruder', 'cat')$$,
  '42501', 'new row violates row-level security policy for table "pets"',
  '[pets/stranger/insert] a user cannot add a pet in another client''s name');
select is_empty($$update public.pets set name = 'Stolen' returning 1$$, '[pets/stranger/update] a user cannot change another client''s pet');
select is_empty($$delete from public.pets returning 1$$, '[pets/stranger/delete] a user cannot delete another client''s pet');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.pets$$, '42501', null, '[pets/anon/select] visitors cannot read pets');
select throws_ok($$insert into public.pets (owner_id, name, species) values (gen_random_uuid(), 'x', 'cat')$$, '42501', null,
  '[pets/anon/insert] visitors cannot add pets');
select throws_ok($$update public.pets set name = 'x'$$, '42501', null, '[pets/anon/update] visitors cannot change pets');
select throws_ok($$delete from public.pets$$, '42501', null, '[pets/anon/delete] visitors cannot delete pets');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select name from public.pets where owner_id = tests.get_supabase_uid('owner')$$, $$values ('Rex')$$,
  '[pets/admin/select] admins read every client''s pets');
select lives_ok(
  $$insert into public.pets (owner_id, name, species, sex) values (tests.get_supabase_uid('stranger'), 'Misty', 'cat', 'female')$$,
  '[pets/admin/insert] admins add a pet for a client');
select isnt_empty($$update public.pets set breed = 'Siamese' where name = 'Misty' returning 1$$,
  '[pets/admin/update] admins change any client''s pet');
select isnt_empty($$delete from public.pets where name = 'Misty' returning 1$$, '[pets/admin/delete] admins delete any client''s pet');

-- owner, last -------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok($$insert into public.pets (owner_id, name, species) values (tests.get_supabase_uid('owner'), 'Bun', 'rabbit')$$,
  'a client adds a pet with only a name and a species');
select results_eq($$select name from public.pets order by name$$, $$values ('Bun'), ('Rex')$$,
  'a client reads all their pets and no one else''s');
select isnt_empty($$delete from public.pets where name = 'Bun' returning 1$$, '[pets/owner/delete] a client deletes their own pet');

select tests.clear_authentication();
delete from auth.users where id = tests.get_supabase_uid('owner');
select is_empty($$select * from public.pets where name = 'Rex'$$, 'a deleted account takes its pets with it');
select is_empty($$select * from public.pets$$, 'no pet is left without an owner');

select * from finish();
rollback;
