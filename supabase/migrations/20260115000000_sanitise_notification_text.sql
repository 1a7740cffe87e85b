-- notifications / user text in templates: no links, no layout, a bounded length.
--
-- Display names, offering titles and the other values users type travel into messages the
-- platform sends from its own address. A client named "Claim refund at https://evil.example"
-- who books and cancels in a loop would otherwise have the platform email that link to the
-- provider, with our sender's reputation behind it. Every variable a template fills is
-- therefore user text, written by private.sanitize_user_text, except the few the platform
-- itself composes (private.format_template_variable): action_url (a link we built or
-- send_announcement checked), items (the digest's lines, each already rendered here) and an
-- announcement's title and body (admins only, checked by send_announcement).
--
-- User text is made harmless, not refused (it is still the name people know each other by):
--   * invisible characters (zero-width, bidirectional overrides, soft hyphen) removed;
--   * line breaks, tabs, control characters and runs of spaces become one space: a value
--     cannot start a paragraph of its own or forge a header;
--   * links neutralised: "://" becomes "[:]//", the dot of a host name "[.]" (evil[.]example,
--     www[.]example[.]com, 10[.]0[.]0[.]1); what a mail client, a phone or an app would turn
--     into a link is plain text. Dots of decimals, versions and abbreviations (120.50, v2.0,
--     e.g.) stay; a name that merely looks like a host (Node.js) reads Node[.]js;
--   * at most 100 characters, the 100th an ellipsis.
-- Both renderers apply the same rules with the same expressions: this one (the inbox and the
-- digest) and functions/notifications/render.py (email, SMS, push); tests/notifications/
-- test_abuse.py holds them to the same output. In HTML email every value is escaped besides.

create function private.sanitize_user_text(value text, max_length integer default 100)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  clean text;
begin
  if value is null then
    return null;
  end if;
  -- Most names are words and spaces: nothing to neutralise (an announcement's 100,000 names).
  if value ~ '^[A-Za-z0-9,''_-]+( [A-Za-z0-9,''_-]+)*$' and char_length(value) <= max_length then
    return value;
  end if;
  clean := regexp_replace(value, '[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]', '', 'g');
  -- The dots IDNA reads as dots in a host name.
  clean := regexp_replace(clean, '[\u3002\uFF0E\uFF61\u2024\uFE52]', '.', 'g');
  clean := btrim(regexp_replace(clean,
    '[\u0001-\u001F\u007F-\u009F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000 ]+', ' ', 'g'), ' ');
  clean := replace(clean, '://', '[:]//');
  -- A dot between two labels of a host name: after a letter, digit or hyphen, before a label of
  -- two or more characters that starts with a letter.
  clean := regexp_replace(clean,
    '(?<=[A-Za-z0-9\u00C0-\U0010FFFF-])\.(?=[A-Za-z\u00C0-\U0010FFFF][A-Za-z0-9\u00C0-\U0010FFFF-])', '[.]', 'g');
  clean := regexp_replace(clean,
    '(?<![0-9])([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?![0-9])', '\1[.]\2[.]\3[.]\4', 'g');
  if char_length(clean) > max_length then
    clean := left(clean, greatest(max_length - 1, 0)) || '…';
  end if;
  return clean;
end
$$;

revoke all on function private.sanitize_user_text(text, integer) from public;
grant execute on function private.sanitize_user_text(text, integer) to service_role;

comment on function private.sanitize_user_text(text, integer) is
  'User text made safe to send from the platform: invisible characters removed, whitespace and control characters one space, links neutralised (https[:]//evil[.]example), at most max_length characters. The same rules as render.py''s sanitize_user_text.';

-- A template variable's value as it goes into a message: user text unless the platform made it.
create function private.format_template_variable(name text, value jsonb)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case when name in ('action_url', 'items', 'title', 'body') then private.format_template_value(value)
              else private.sanitize_user_text(private.format_template_value(value)) end
$$;

revoke all on function private.format_template_variable(text, jsonb) from public;
grant execute on function private.format_template_variable(text, jsonb) to service_role;

comment on function private.format_template_variable(text, jsonb) is
  'A template variable''s value as text (format_template_value), sanitised as user text (sanitize_user_text) unless it is one the platform composes: action_url, items, and an announcement''s title and body. render.py''s format_variable.';

-- The one pass of 20260108000300, each value now written by format_template_variable.
create or replace function private.render_template_parts(template text, data jsonb, keep text[] default '{}')
returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  literals text[];
  names text[];
  parts text[] := '{}';
  piece text;
begin
  if template is null then
    return null;
  end if;
  literals := regexp_split_to_array(template, '\{\{\s*[a-z_][a-z0-9_]*\s*\}\}');
  names := array(
    select m.match[1] from regexp_matches(template, '\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}', 'g') with ordinality m (match, at)
    order by m.at
  );
  piece := literals[1];
  for i in 1 .. coalesce(array_length(names, 1), 0) loop
    if names[i] = any (coalesce(keep, '{}')) then
      parts := parts || piece;
      piece := '';
    elsif coalesce(data ? names[i], false) then
      piece := piece || private.format_template_variable(names[i], data -> names[i]);
    else
      return null;
    end if;
    piece := piece || literals[i + 1];
  end loop;
  return parts || piece;
end
$$;

comment on function private.render_template_parts(text, jsonb, text[]) is
  'A template rendered in one pass from data (user text sanitised: format_template_variable), cut at every placeholder named in keep (array_to_string(parts, value) fills them; sanitise that value too); null when data lacks a variable the template needs.';
