-- engagement / site content (issue 13): FAQs and testimonials (seed 000, the consulting site)
-- and the clinic's information (seed 001: "a single record"). Everyone reads what is published;
-- admins write.

create table public.faqs (
  id uuid primary key default gen_random_uuid(),
  question text not null constraint faqs_question_length check (char_length(question) between 1 and 300),
  answer text not null constraint faqs_answer_length check (char_length(answer) between 1 and 5000),
  category text constraint faqs_category_length check (char_length(category) <= 60),
  sort_order integer not null default 0,
  is_published boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index faqs_published_order_idx on public.faqs (category, sort_order) where is_published;

comment on table public.faqs is 'Questions and answers of the site. Read: everyone, published ones. Write: admins.';

create table public.testimonials (
  id uuid primary key default gen_random_uuid(),
  quote text not null constraint testimonials_quote_length check (char_length(quote) between 1 and 1000),
  author_name text not null constraint testimonials_author_name_length check (char_length(author_name) between 1 and 80),
  author_role text constraint testimonials_author_role_length check (char_length(author_role) <= 120),
  photo_path text constraint testimonials_photo_path_length check (char_length(photo_path) <= 400),
  sort_order integer not null default 0,
  is_approved boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index testimonials_approved_order_idx on public.testimonials (sort_order) where is_approved;

comment on table public.testimonials is
  'What clients say, shown on the site once approved. photo_path: an object in the public offering-media bucket. Read: everyone, approved ones. Write: admins.';

-- The clinic: one row, its key can only be true.
create table public.clinic_info (
  id boolean primary key default true constraint clinic_info_single_row check (id),
  name text not null constraint clinic_info_name_length check (char_length(name) between 1 and 120),
  phone text constraint clinic_info_phone_length check (char_length(phone) <= 40),
  email text constraint clinic_info_email_length check (char_length(email) <= 254),
  address_line1 text constraint clinic_info_address_length check (char_length(address_line1) <= 200),
  city text constraint clinic_info_city_length check (char_length(city) <= 100),
  postal_code text constraint clinic_info_postal_code_length check (char_length(postal_code) <= 20),
  country_code char(2) constraint clinic_info_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  opening_hours jsonb not null default '{}'
    constraint clinic_info_opening_hours_object check (jsonb_typeof(opening_hours) = 'object'),
  updated_at timestamptz not null default now()
);

comment on table public.clinic_info is
  'The clinic''s contact details and opening hours (pet lab: the clinic is the platform), one row. Read: everyone. Write: admins.';
comment on column public.clinic_info.opening_hours is 'By weekday, e.g. {"mon": "08:00-18:00", "sat": "09:00-13:00"}; missing days are closed.';

create trigger set_updated_at before update on public.faqs for each row execute function private.tg_set_updated_at();
create trigger set_updated_at before update on public.testimonials for each row execute function private.tg_set_updated_at();
create trigger set_updated_at before update on public.clinic_info for each row execute function private.tg_set_updated_at();

alter table public.faqs enable row level security;
alter table public.testimonials enable row level security;
alter table public.clinic_info enable row level security;

revoke all on table public.faqs, public.testimonials, public.clinic_info from anon, authenticated;
grant select on table public.faqs, public.testimonials, public.clinic_info to anon, authenticated;
grant select, insert, update, delete on table public.faqs, public.testimonials, public.clinic_info to marketbase_admin, service_role;

create policy "anyone reads published faqs" on public.faqs for select to anon, authenticated using (is_published);
create policy "admins read every faq" on public.faqs for select to marketbase_admin using ((select private.is_admin()));
create policy "admins add faqs" on public.faqs for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change faqs" on public.faqs for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove faqs" on public.faqs for delete to marketbase_admin using ((select private.is_admin()));

create policy "anyone reads approved testimonials" on public.testimonials for select to anon, authenticated using (is_approved);
create policy "admins read every testimonial" on public.testimonials for select to marketbase_admin using ((select private.is_admin()));
create policy "admins add testimonials" on public.testimonials for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change testimonials" on public.testimonials for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove testimonials" on public.testimonials for delete to marketbase_admin using ((select private.is_admin()));

create policy "anyone reads the clinic" on public.clinic_info for select to anon, authenticated using (true);
create policy "admins set up the clinic" on public.clinic_info for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change the clinic" on public.clinic_info for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove the clinic" on public.clinic_info for delete to marketbase_admin using ((select private.is_admin()));
