-- Fixtures of the policy matrix (policies.yaml): the users and rows its cases need, and nothing else.
-- They run as the connecting role (the owner, as Supabase Auth and the payment webhooks write) at the start of
-- the transaction the cases run in, and that transaction is always rolled back: nothing here is ever kept, on a
-- staging clone or on production. The rows do not depend on any data being there (or not): every case filters
-- to them or counts only what RLS lets its persona see. Placeholders (double braces around a name) are values
-- from policies.yaml, written here as quoted literals.

-- Users. Signing up creates each profile (the on_auth_user_created trigger). Ada is an admin by the
-- server-written app_metadata claim; Pia has no rows of her own (admins delete her profile); Nora's profile
-- is removed again below, so service_role can create it.
insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at) values
  ({{tess}}, 'authenticated', 'authenticated', 'tess@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_tess","full_name":"Tess Traveller"}', now(), now()),
  ({{otto}}, 'authenticated', 'authenticated', 'otto@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_otto","full_name":"Otto Other"}', now(), now()),
  ({{vera}}, 'authenticated', 'authenticated', 'vera@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_vera","full_name":"Vera Vendor"}', now(), now()),
  ({{walt}}, 'authenticated', 'authenticated', 'walt@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_walt","full_name":"Walt Rival"}', now(), now()),
  ({{ada}}, 'authenticated', 'authenticated', 'ada@policies.trvl.invalid', '{"provider":"email","providers":["email"],"role":"admin"}', '{"username":"pf_ada","full_name":"Ada Admin"}', now(), now()),
  ({{pia}}, 'authenticated', 'authenticated', 'pia@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_pia","full_name":"Pia Passive"}', now(), now()),
  ({{nora}}, 'authenticated', 'authenticated', 'nora@policies.trvl.invalid', '{"provider":"email","providers":["email"]}', '{"username":"pf_nora","full_name":"Nora New"}', now(), now());

delete from public.profiles where id = {{nora}};

-- Vera runs Vera Ventures; Walt runs Walt Wilderness and an idle company without adventures.
insert into public.vendors (id, owner_id, name, slug, contact_email, country, verified) values
  ({{vera_ventures}}, {{vera}}, 'Vera Ventures', 'pf-vera-ventures', 'hello@vera.invalid', 'NO', true),
  ({{walt_wilderness}}, {{walt}}, 'Walt Wilderness', 'pf-walt-wilderness', 'hi@walt.invalid', 'CA', false),
  ({{walt_idle}}, {{walt}}, 'Walt Idle Tours', 'pf-walt-idle', 'idle@walt.invalid', 'CA', false);

insert into public.adventures (id, vendor_id, title, slug, summary, status, price, currency, tags, duration_days, max_group_size, country, latitude, longitude, published_at) values
  ({{kayaking}}, {{vera_ventures}}, 'Fjord kayaking week', 'pf-fjord-kayaking-week', 'Paddle the western fjords with a guide', 'published', 1290.00, 'EUR', '{kayak,water,policy-fixture}', 7, 8, 'NO', 61.200000, 6.900000, now() - interval '30 days'),
  ({{glacier}}, {{vera_ventures}}, 'Glacier hike', 'pf-glacier-hike', 'Crampons and blue ice', 'draft', 450.00, 'EUR', '{hiking,ice,policy-fixture}', 2, 10, 'NO', 61.600000, 7.200000, null),
  ({{canoe}}, {{walt_wilderness}}, 'Canadian canoe trail', 'pf-canadian-canoe-trail', 'Lakes and portages in Algonquin', 'published', 980.00, 'CAD', '{canoe,water,policy-fixture}', 5, 6, 'CA', 45.500000, -78.300000, now() - interval '10 days');

-- Tess: a completed week in the fjords (reviewed), a completed canoe trip (not yet reviewed) and a pending
-- one far ahead; Otto: a confirmed canoe trip.
insert into public.bookings (id, adventure_id, traveller_id, status, travel_dates, guests, unit_price, total_amount, currency) values
  ({{bk_completed}}, {{kayaking}}, {{tess}}, 'completed', '[2023-06-01,2023-06-08)', 2, 1290.00, 2580.00, 'EUR'),
  ({{bk_completed2}}, {{canoe}}, {{tess}}, 'completed', '[2023-09-01,2023-09-06)', 1, 980.00, 980.00, 'CAD'),
  ({{bk_others}}, {{canoe}}, {{otto}}, 'confirmed', '[2099-07-01,2099-07-06)', 1, 980.00, 980.00, 'CAD'),
  ({{bk_pending}}, {{canoe}}, {{tess}}, 'pending', '[2099-08-01,2099-08-06)', 1, 980.00, 980.00, 'CAD');

insert into public.payments (id, booking_id, amount, currency, status, provider, provider_reference, paid_at) values
  ({{pay_completed}}, {{bk_completed}}, 2580.00, 'EUR', 'succeeded', 'stripe', 'pi_policy_fixture_1', now()),
  ({{pay_others}}, {{bk_others}}, 980.00, 'CAD', 'succeeded', 'paypal', 'pp_policy_fixture_2', now());

insert into public.reviews (adventure_id, author_id, booking_id, rating, title, body) values
  ({{kayaking}}, {{tess}}, {{bk_completed}}, 5, 'Unforgettable', 'Calm water, huge cliffs, great guide.');

-- Tess's private trip and Otto's open one; the organizer trigger makes each organizer a member.
insert into public.group_trips (id, organizer_id, adventure_id, title, is_private) values
  ({{trip_private}}, {{tess}}, {{kayaking}}, 'Tess and friends', true),
  ({{trip_open}}, {{otto}}, {{canoe}}, 'Open canoe crew', false);

-- Tess follows Otto (the trigger notifies Otto).
insert into public.follows (follower_id, followee_id) values ({{tess}}, {{otto}});

insert into public.notifications (recipient_id, kind, payload) values
  ({{tess}}, 'booking_confirmed', '{"fixture": "policies"}'),
  ({{tess}}, 'trip_invite', '{"fixture": "policies"}');

insert into public.notification_preferences (profile_id, email_enabled, push_enabled) values
  ({{tess}}, true, true),
  ({{otto}}, true, false);
