-- Benchmark data for the store reads (issue 16): sellers, buyers, a hundred thousand digital
-- products in twenty categories (each in a second category too), ratings, favourites, and five
-- million purchases (mostly active). Written as the superuser with triggers off
-- (session_replication_role = replica) in the shape the purchases module leaves its rows;
-- purchases point at invoices that are not generated (the foreign keys' triggers are off too):
-- the reads measured never join them. Sizes come from bench.*, set by run.py.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.buyers')::int + current_setting('bench.sellers')::int) g;
insert into public.profiles (id, display_name) select u.id, 'User ' || u.email from auth.users u;
-- Sellers are users buyers + 1 .. buyers + sellers.
insert into public.provider_profiles (user_id, kind, currency)
select ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.buyers')::int + s), 12, '0'))::uuid, 'consultant', 'USD'
from generate_series(1, current_setting('bench.sellers')::int) s;
insert into public.categories (id, slug, name, offering_kinds, currency, min_price, max_price)
select ('cf000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, 'workflows-' || c, 'Workflows ' || c, '{digital}', 'USD', 0, 1000000
from generate_series(1, 20) c;

-- step: products
insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes, status,
                              location, features, rating, rating_count, rating_sum, created_at, updated_at)
select ('2a000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(c.buyers + n % c.sellers + 1), 12, '0'))::uuid,
       ('cf000000-0000-4000-8000-' || lpad(to_hex(n % 20 + 1), 12, '0'))::uuid,
       'digital', 'Workflow ' || n, 'Automates a chore, step by step.', 900 + (n * 37) % 9000, 'USD', 5,
       (case when n % 25 = 0 then 'expired' else 'active' end)::public.offering_status, 'online', '{email,sms}',
       round(3 + ((n * 7) % 200) / 100.0, 2), (n * 13) % 500, 0,
       now() - make_interval(days => n % 700), now()
from (select current_setting('bench.buyers')::int as buyers, current_setting('bench.sellers')::int as sellers) c
cross join generate_series(1, current_setting('bench.products')::int) n;
-- Each product in a second category, with the rating and on-sale flag the database copies there.
insert into public.offering_categories (offering_id, category_id, rating, is_active)
select o.id, ('cf000000-0000-4000-8000-' || lpad(to_hex((o.n + 7) % 20 + 1), 12, '0'))::uuid, o.rating, o.status = 'active'
from (select x.id, x.rating, x.status, ('x' || substr(x.id::text, 25))::bit(48)::bigint as n from public.offerings x) o;

-- step: favorites
-- Each buyer favourites ten products.
insert into public.favorites (user_id, offering_id, created_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(b), 12, '0'))::uuid,
       ('2a000000-0000-4000-8000-' || lpad(to_hex((b * 97 + k * 7919) % c.products + 1), 12, '0'))::uuid, now()
from (select current_setting('bench.products')::int as products) c
cross join generate_series(1, current_setting('bench.buyers')::int) b
cross join generate_series(1, 10) k
on conflict do nothing;

-- step: purchases
-- Purchase n: buyer (n % buyers) + 1, a product chosen with a skew (best sellers), over two years;
-- one in fifty pending, one in a hundred revoked.
insert into public.purchases (id, buyer_id, offering_id, seller_id, invoice_id, title, amount, currency, version, status,
                              activated_at, created_at, updated_at)
select gen_random_uuid(),
       ('00000000-0000-4000-8000-' || lpad(to_hex(n % c.buyers + 1), 12, '0'))::uuid,
       ('2a000000-0000-4000-8000-' || lpad(to_hex(x.p), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(c.buyers + x.p % c.sellers + 1), 12, '0'))::uuid,
       gen_random_uuid(), 'Workflow ' || x.p, 900 + (x.p * 37) % 9000, 'USD', 1,
       (case when n % 50 = 0 then 'pending' when n % 100 = 1 then 'revoked' else 'active' end)::public.purchase_status,
       t.at, t.at, t.at
from (select current_setting('bench.buyers')::int as buyers, current_setting('bench.sellers')::int as sellers,
             current_setting('bench.products')::int as products, current_setting('bench.purchases')::int as purchases) c
cross join generate_series(1, c.purchases) n
cross join lateral (select (floor(c.products * power(((n * 2654435761::bigint) % 1000003) / 1000003.0, 3)))::int + 1 as p) x
cross join lateral (select now() - interval '730 days' + make_interval(secs => n * 63072000.0 / c.purchases) as at) t
on conflict do nothing;

-- step: analyze
analyze auth.users, public.profiles, public.offerings, public.offering_categories, public.favorites, public.purchases;
