using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Supabase;

/// <summary>
/// A handful of users and rows in the v3 schema, enough to exercise every policy: a traveller, a second
/// traveller, two vendors' owners and an admin (by app_metadata), with adventures, bookings, payments, a review,
/// group trips, a follow and notifications. Inserted as the superuser, as GoTrue and the webhooks would.
/// </summary>
internal static class V3Fixture
{
    public static readonly Guid Traveller = Guid.Parse("00000000-0000-4000-8000-000000000001");
    public static readonly Guid OtherTraveller = Guid.Parse("00000000-0000-4000-8000-000000000002");
    public static readonly Guid VendorOwner = Guid.Parse("00000000-0000-4000-8000-000000000003");
    public static readonly Guid RivalOwner = Guid.Parse("00000000-0000-4000-8000-000000000004");
    public static readonly Guid Admin = Guid.Parse("00000000-0000-4000-8000-000000000005");

    public static readonly Guid Vendor = Guid.Parse("10000000-0000-4000-8000-000000000001");
    public static readonly Guid RivalVendor = Guid.Parse("10000000-0000-4000-8000-000000000002");

    public static readonly Guid Kayaking = Guid.Parse("20000000-0000-4000-8000-000000000001");   // Vendor, published
    public static readonly Guid GlacierDraft = Guid.Parse("20000000-0000-4000-8000-000000000002"); // Vendor, draft
    public static readonly Guid Canoe = Guid.Parse("20000000-0000-4000-8000-000000000003");       // RivalVendor, published

    public static readonly Guid CompletedBooking = Guid.Parse("30000000-0000-4000-8000-000000000001"); // Traveller on Kayaking
    public static readonly Guid OthersBooking = Guid.Parse("30000000-0000-4000-8000-000000000002");    // OtherTraveller on Canoe
    public static readonly Guid PendingBooking = Guid.Parse("30000000-0000-4000-8000-000000000003");   // Traveller on Canoe

    public static readonly Guid PrivateTrip = Guid.Parse("40000000-0000-4000-8000-000000000001"); // by Traveller
    public static readonly Guid OpenTrip = Guid.Parse("40000000-0000-4000-8000-000000000002");    // by OtherTraveller

    public static Persona AsTraveller => Persona.User(Traveller, "tess@example.com");
    public static Persona AsOtherTraveller => Persona.User(OtherTraveller, "otto@example.com");
    public static Persona AsVendor => Persona.User(VendorOwner, "vera@example.com");
    public static Persona AsRival => Persona.User(RivalOwner, "walt@example.com");
    public static Persona AsAdmin => Persona.User(Admin, "ada@example.com", admin: true);

    public const string Rows = """
        insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at) values
          ('00000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'tess@example.com', '{"provider":"email"}', '{"username":"tess","full_name":"Tess Traveller"}', now(), now()),
          ('00000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated', 'otto@example.com', '{"provider":"email"}', '{"username":"otto","full_name":"Otto Other"}', now(), now()),
          ('00000000-0000-4000-8000-000000000003', 'authenticated', 'authenticated', 'vera@example.com', '{"provider":"email"}', '{"username":"vera","full_name":"Vera Vendor"}', now(), now()),
          ('00000000-0000-4000-8000-000000000004', 'authenticated', 'authenticated', 'walt@example.com', '{"provider":"email"}', '{"username":"walt","full_name":"Walt Rival"}', now(), now()),
          ('00000000-0000-4000-8000-000000000005', 'authenticated', 'authenticated', 'ada@example.com', '{"provider":"email","role":"admin"}', '{"username":"ada","full_name":"Ada Admin"}', now(), now());

        insert into public.vendors (id, owner_id, name, slug, contact_email, country, verified) values
          ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'Vera Ventures', 'vera-ventures', 'hello@vera.example', 'NO', true),
          ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004', 'Walt Wilderness', 'walt-wilderness', 'hi@walt.example', 'CA', false);

        insert into public.adventures (id, vendor_id, title, slug, summary, status, price, currency, tags, duration_days, max_group_size, country, latitude, longitude, published_at) values
          ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'Fjord kayaking week', 'fjord-kayaking-week', 'Paddle the western fjords with a guide', 'published', 1290.00, 'EUR', '{kayak,water,norway}', 7, 8, 'NO', 61.200000, 6.900000, now() - interval '30 days'),
          ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'Glacier hike', 'glacier-hike', 'Crampons and blue ice', 'draft', 450.00, 'EUR', '{hiking,ice}', 2, 10, 'NO', 61.600000, 7.200000, null),
          ('20000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000002', 'Canadian canoe trail', 'canadian-canoe-trail', 'Lakes and portages in Algonquin', 'published', 980.00, 'CAD', '{canoe,water}', 5, 6, 'CA', 45.500000, -78.300000, now() - interval '10 days');

        insert into public.bookings (id, adventure_id, traveller_id, status, travel_dates, guests, unit_price, total_amount, currency) values
          ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'completed', '[2023-06-01,2023-06-08)', 2, 1290.00, 2580.00, 'EUR'),
          ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'confirmed', '[2030-07-01,2030-07-06)', 1, 980.00, 980.00, 'CAD'),
          ('30000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'pending', '[2030-08-01,2030-08-06)', 1, 980.00, 980.00, 'CAD');

        insert into public.payments (booking_id, amount, currency, status, provider, provider_reference, paid_at) values
          ('30000000-0000-4000-8000-000000000001', 2580.00, 'EUR', 'succeeded', 'stripe', 'pi_fixture_1', now()),
          ('30000000-0000-4000-8000-000000000002', 980.00, 'CAD', 'succeeded', 'paypal', 'pp_fixture_2', now());

        insert into public.reviews (adventure_id, author_id, booking_id, rating, title, body) values
          ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 5, 'Unforgettable', 'Calm water, huge cliffs, great guide.');

        insert into public.group_trips (id, organizer_id, adventure_id, title, is_private) values
          ('40000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'Tess and friends', true),
          ('40000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003', 'Open canoe crew', false);

        insert into public.follows (follower_id, followee_id) values
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002');

        insert into public.notifications (recipient_id, kind, payload) values
          ('00000000-0000-4000-8000-000000000001', 'booking_confirmed', '{"booking_id":"30000000-0000-4000-8000-000000000001"}'),
          ('00000000-0000-4000-8000-000000000001', 'trip_invite', '{"trip_id":"40000000-0000-4000-8000-000000000002"}');
        """;
}
