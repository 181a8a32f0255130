-- A table exposed without RLS to anon or authenticated that has columns whose names say they hold secrets or
-- personal data (credentials, identity documents, payment cards, bank accounts, health records, ...).
with sensitive(pattern) as (values
  ('password'), ('passwd'), ('password_hash'), ('pwd'), ('passphrase'), ('secret'), ('client_secret'), ('secret_key'),
  ('private_key'), ('api_key'), ('apikey'), ('access_key'), ('auth_token'), ('access_token'), ('refresh_token'),
  ('id_token'), ('session_token'), ('token'), ('jwt'), ('otp'), ('otp_secret'), ('totp_secret'), ('mfa_secret'),
  ('recovery_code'), ('recovery_codes'), ('backup_codes'), ('verification_code'),
  ('ssn'), ('social_security_number'), ('national_id'), ('national_insurance_number'), ('tax_id'), ('vat_number'),
  ('passport_number'), ('driver_license'), ('drivers_license'), ('driving_licence'), ('date_of_birth'), ('birth_date'), ('dob'),
  ('credit_card'), ('credit_card_number'), ('card_number'), ('cvv'), ('cvc'), ('card_expiry'),
  ('iban'), ('bank_account'), ('account_number'), ('routing_number'), ('sort_code'), ('swift'), ('bic'),
  ('medical_record'), ('health_record'), ('diagnosis'), ('insurance_number'), ('patient_id'),
  ('ssh_key'), ('pgp_key'), ('gpg_key'), ('certificate_key'), ('license_key'), ('mac_address'), ('imei'), ('ip_address')
)
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I is exposed by the Data API without row level security and has sensitive columns: %s.', n.nspname, c.relname,
              string_agg(format('%I', a.attname), ', ' order by a.attname)),
       format('alter table %I.%I enable row level security; -- and add policies, or revoke the API roles'' grants on those columns', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
join sensitive s on replace(lower(a.attname), '-', '_') = s.pattern
where c.relkind in ('r', 'p') and not c.relrowsecurity
  and n.nspname = any(@exposed)
  and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
group by n.nspname, c.relname
order by 1
