-- Notification rendering, the values: the same text, written without a query per value.
--
-- Expanding one outbox event renders its templates for every recipient and channel, and every
-- placeholder's value went through three SQL functions (format_template_variable ->
-- format_template_value -> format_template_scalar). A SQL function that sets search_path is
-- never inlined, so each call started an executor for its one-row query: about 0.15 ms a value,
-- 60% of the 13 ms an event took to expand (bench/payments/RESULTS.md, "dispatch:
-- expand_notifications"). In plpgsql the same CASE is a simple expression, evaluated without
-- the executor; only a list (an array value) still runs its one aggregate query.
--
-- The text each function writes is unchanged (render.py's format_value and format_variable;
-- tests/notifications compare the two).

create or replace function private.format_template_scalar(value jsonb)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  return case jsonb_typeof(value)
    when 'null' then ''
    when 'string' then value #>> '{}'
    when 'boolean' then case when value::boolean then 'yes' else 'no' end
    else value::text
  end;
end
$$;

create or replace function private.format_template_value(value jsonb)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  kind text := jsonb_typeof(value);
begin
  if kind is distinct from 'array' then
    return case kind
      when 'null' then ''
      when 'string' then value #>> '{}'
      when 'boolean' then case when value::boolean then 'yes' else 'no' end
      else value::text
    end;
  end if;
  -- A list: one item per line, an item {title, body} as "title: body".
  return (
    select coalesce(string_agg(
      case
        when jsonb_typeof(i.item) = 'object' and (i.item ? 'title' or i.item ? 'body') then
          case when coalesce(i.title, '') <> '' and coalesce(i.body, '') <> '' then i.title || ': ' || i.body
               else coalesce(nullif(i.title, ''), i.body, '') end
        else private.format_template_scalar(i.item)
      end, E'\n' order by i.ord), '')
    from (
      select e.item, e.ord, private.format_template_scalar(e.item -> 'title') as title,
             private.format_template_scalar(e.item -> 'body') as body
      from jsonb_array_elements(value) with ordinality e (item, ord)
    ) i
  );
end
$$;

create or replace function private.format_template_variable(name text, value jsonb)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  if name in ('action_url', 'items', 'title', 'body') then
    return private.format_template_value(value);
  end if;
  return private.sanitize_user_text(private.format_template_value(value));
end
$$;

-- The template of an event and channel in a locale: plpgsql keeps the query's plan for the
-- session, where the SQL function planned it again at every call (0.2 ms, four calls an event).
create or replace function private.pick_template(event_type text, channel public.notification_channel, locale text)
returns setof public.notification_templates
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
  select t.* from public.notification_templates t
  where t.event_type = pick_template.event_type and t.channel = pick_template.channel
    and t.locale in (pick_template.locale, split_part(pick_template.locale, '-', 1), 'en')
  order by t.locale = pick_template.locale desc, t.locale = split_part(pick_template.locale, '-', 1) desc
  limit 1;
end
$$;
