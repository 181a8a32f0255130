using MigrationTasks.Tests.Infrastructure;
using static MigrationTasks.Tests.Supabase.V3Fixture;

namespace MigrationTasks.Tests.Supabase;

/// <summary>
/// The v3 policies, exercised the way supabase-js calls reach them: through PostgREST's role switch and JWT
/// claims (<see cref="ApiSession"/>), on the migrated schema with <see cref="V3Fixture"/>'s rows.
/// SQLSTATEs: 42501 = insufficient privilege or a row that violates a policy; 0 rows = filtered silently.
/// </summary>
[TestClass]
public sealed class RowLevelSecurityTests
{
    private static TestDatabase? _database;

    public TestContext TestContext { get; set; } = null!;

    private static TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    [ClassInitialize]
    public static async Task CreateFixtureAsync(TestContext context)
    {
        _database = await TestServer.CreateDatabaseAsync(TestTemplate.Migrated);
        await _database.ExecuteAsync(Rows);
    }

    [ClassCleanup]
    public static async Task DropFixtureAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task TheSignUpTriggerCreatedAProfilePerUser()
    {
        Assert.AreEqual(5L, await Database.ScalarAsync<long>("select count(*) from public.profiles"));
        Assert.AreEqual("Tess Traveller", await Database.ScalarAsync<string>($"select full_name from public.profiles where id = '{Traveller}'"));
    }

    [TestMethod]
    public async Task AnonReadsTheCatalogueAndNothingPrivate()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);
        var anon = Persona.Anon;

        Assert.AreEqual(2L, await api.ScalarAsync<long>(anon, "select count(*) from public.adventures"), "published only");
        Assert.AreEqual(2L, await api.ScalarAsync<long>(anon, "select count(*) from public.adventure_cards"));
        Assert.AreEqual(2L, await api.ScalarAsync<long>(anon, "select count(*) from public.search_adventures()"));
        Assert.AreEqual(2L, await api.ScalarAsync<long>(anon, "select count(*) from public.vendors"));
        Assert.AreEqual(5L, await api.ScalarAsync<long>(anon, "select count(*) from public.profiles"));
        Assert.AreEqual(1L, await api.ScalarAsync<long>(anon, "select count(*) from public.reviews"));

        foreach (var table in new[] { "bookings", "payments", "group_trips", "group_trip_members", "follows", "notifications" })
        {
            Assert.AreEqual("42501", await api.SqlStateAsync(anon, $"select * from public.{table}"), table);
        }

        Assert.AreEqual("42501", await api.SqlStateAsync(anon, "insert into public.vendors (owner_id, name, slug) values (gen_random_uuid(), 'Spam', 'spam')"));
        Assert.AreEqual("42501", await api.SqlStateAsync(anon, "update public.adventures set price = 0"));
        Assert.AreEqual("42501", await api.SqlStateAsync(anon, "truncate public.reviews"), "TRUNCATE ignores RLS, so anon must not hold it");
        Assert.AreEqual("42501", await api.SqlStateAsync(anon, $"select public.create_booking('{Kayaking}', '[2031-01-01,2031-01-08)', 1)"));
    }

    [TestMethod]
    public async Task TravellersSeeTheirOwnBookingsAndPaymentsOnly()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(2L, await api.ScalarAsync<long>(AsTraveller, "select count(*) from public.bookings"));
        Assert.AreEqual(0L, await api.ScalarAsync<long>(AsTraveller, $"select count(*) from public.bookings where id = '{OthersBooking}'"));
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsTraveller, "select count(*) from public.payments"));
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsOtherTraveller, "select count(*) from public.bookings"));

        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, $"update public.bookings set notes = 'vegetarian' where id = '{PendingBooking}'"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsTraveller, $"update public.bookings set notes = 'mine now' where id = '{OthersBooking}'"), "filtered silently");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, $"update public.bookings set status = 'confirmed' where id = '{PendingBooking}'"), "travellers cannot confirm");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, $"update public.bookings set total_amount = 1 where id = '{PendingBooking}'"), "prices are not updatable");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller,
            $"insert into public.bookings (adventure_id, traveller_id, travel_dates, unit_price, total_amount) values ('{Kayaking}', '{Traveller}', '[2031-01-01,2031-01-08)', 0, 0)"),
            "bookings are created through create_booking only");
        Assert.AreEqual(0, await api.ExecuteAsync(AsTraveller, $"delete from public.bookings where id = '{PendingBooking}'"), "only admins delete");
    }

    [TestMethod]
    public async Task VendorsManageTheirAdventuresAndSeeTheirBookings()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(3L, await api.ScalarAsync<long>(AsVendor, "select count(*) from public.adventures"), "both published plus the own draft");
        Assert.AreEqual(2L, await api.ScalarAsync<long>(AsRival, "select count(*) from public.adventures"), "not the other vendor's draft");
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsVendor, "select count(*) from public.bookings"), "the booking on their adventure");
        Assert.AreEqual(2L, await api.ScalarAsync<long>(AsRival, "select count(*) from public.bookings"));
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsRival, "select count(*) from public.payments"), "payments follow bookings");
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsVendor, "select count(*) from public.payments"));

        Assert.AreEqual(1, await api.ExecuteAsync(AsVendor, $"update public.adventures set price = 1350 where id = '{Kayaking}'"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsVendor, $"update public.adventures set price = 1 where id = '{Canoe}'"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsVendor, $"update public.adventures set vendor_id = '{RivalVendor}' where id = '{Kayaking}'"), "cannot hand an adventure to another vendor");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsVendor,
            $"insert into public.adventures (vendor_id, title, slug, price, duration_days) values ('{RivalVendor}', 'Fake', 'fake', 1, 1)"));
        Assert.AreEqual(1, await api.ExecuteAsync(AsVendor,
            $"insert into public.adventures (vendor_id, title, slug, price, duration_days) values ('{Vendor}', 'Sea cliffs', 'sea-cliffs', 300, 1)"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsVendor, $"delete from public.adventures where id = '{Kayaking}'"), "published adventures are archived, not deleted");
        Assert.AreEqual(1, await api.ExecuteAsync(AsVendor, $"delete from public.adventures where id = '{GlacierDraft}'"));

        Assert.AreEqual(1, await api.ExecuteAsync(AsRival, $"update public.bookings set status = 'confirmed' where id = '{PendingBooking}'"), "the vendor confirms");
        Assert.AreEqual(0, await api.ExecuteAsync(AsVendor, $"update public.bookings set status = 'cancelled' where id = '{OthersBooking}'"));
    }

    [TestMethod]
    public async Task AdminsComeFromTheAppMetadataClaimAndServiceRoleBypassesRls()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(3L, await api.ScalarAsync<long>(AsAdmin, "select count(*) from public.bookings"));
        Assert.AreEqual(3L, await api.ScalarAsync<long>(AsAdmin, "select count(*) from public.adventures"));
        Assert.AreEqual(1, await api.ExecuteAsync(AsAdmin, "delete from public.reviews"));
        Assert.IsTrue(await api.ScalarAsync<bool>(AsAdmin, "select public.is_admin()"));

        // The same user without the claim is an ordinary user.
        var plain = Persona.User(Admin, "ada@example.com");
        Assert.AreEqual(0L, await api.ScalarAsync<long>(plain, "select count(*) from public.bookings"));
        Assert.AreEqual(0, await api.ExecuteAsync(plain, "delete from public.reviews"));

        Assert.AreEqual(3L, await api.ScalarAsync<long>(Persona.ServiceRole, "select count(*) from public.bookings"));
        Assert.AreEqual(2L, await api.ScalarAsync<long>(Persona.ServiceRole, "select count(*) from public.payments"));
        Assert.AreEqual(1, await api.ExecuteAsync(Persona.ServiceRole,
            $"insert into public.payments (booking_id, amount, provider) values ('{PendingBooking}', 980, 'stripe')"));
    }

    [TestMethod]
    public async Task OwnersEditTheirProfilesReviewsFollowsAndNotifications()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, $"update public.profiles set bio = 'Hi' where id = '{Traveller}'"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsTraveller, $"update public.profiles set bio = 'Hacked' where id = '{OtherTraveller}'"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, "insert into public.profiles (id) values (gen_random_uuid())"), "profiles come from the sign-up trigger");

        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, "update public.reviews set rating = 4"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsOtherTraveller, "update public.reviews set rating = 1"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, $"update public.reviews set author_id = '{OtherTraveller}'"), "a review cannot be handed to someone else");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller,
            $"insert into public.reviews (adventure_id, author_id, booking_id, rating) values ('{Canoe}', '{Traveller}', '{PendingBooking}', 5)"),
            "only completed bookings can be reviewed");

        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, $"insert into public.follows (follower_id, followee_id) values ('{Traveller}', '{VendorOwner}')"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, $"insert into public.follows (follower_id, followee_id) values ('{OtherTraveller}', '{VendorOwner}')"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsOtherTraveller, $"delete from public.follows where follower_id = '{Traveller}'"));
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsOtherTraveller, "select count(*) from public.notifications where kind = 'new_follower'"), "the follow trigger notified the followee");

        Assert.AreEqual(2L, await api.ScalarAsync<long>(AsTraveller, "select count(*) from public.notifications"));
        Assert.AreEqual(2, await api.ExecuteAsync(AsTraveller, "update public.notifications set read_at = now()"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, "update public.notifications set kind = 'new_review'"), "only read_at is updatable");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsTraveller, $"insert into public.notifications (recipient_id, kind) values ('{OtherTraveller}', 'new_review')"));
    }

    [TestMethod]
    public async Task GroupTripsArePrivateToTheirMembersWithoutRecursion()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(2L, await api.ScalarAsync<long>(AsTraveller, "select count(*) from public.group_trips"), "own private trip and the open one");
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsOtherTraveller, "select count(*) from public.group_trips"), "not the private trip");
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsTraveller, "select count(*) from public.group_trip_members"), "the organizer trigger made Tess a member of her trip");
        Assert.AreEqual(0L, await api.ScalarAsync<long>(AsOtherTraveller, $"select count(*) from public.group_trip_members where trip_id = '{PrivateTrip}'"));

        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, $"insert into public.group_trip_members (trip_id, member_id) values ('{OpenTrip}', '{Traveller}')"));
        Assert.AreEqual("42501", await api.SqlStateAsync(AsOtherTraveller, $"insert into public.group_trip_members (trip_id, member_id) values ('{PrivateTrip}', '{OtherTraveller}')"));
        Assert.AreEqual(1, await api.ExecuteAsync(AsTraveller, $"insert into public.group_trip_members (trip_id, member_id) values ('{PrivateTrip}', '{OtherTraveller}')"), "the organizer adds people");
        Assert.AreEqual(1, await api.ExecuteAsync(AsOtherTraveller, $"update public.group_trips set title = 'Open canoe crew 2030' where id = '{OpenTrip}'"));
        Assert.AreEqual(0, await api.ExecuteAsync(AsTraveller, $"update public.group_trips set title = 'Mine now' where id = '{OpenTrip}'"), "only the organizer edits");
    }

    [TestMethod]
    public async Task CreateBookingChecksItsInputAndTakesThePriceFromTheAdventure()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        var total = await api.ScalarAsync<decimal>(AsTraveller, $"select total_amount from public.create_booking('{Kayaking}', '[2031-05-01,2031-05-08)', 3)");
        Assert.AreEqual(3870.00m, total);
        var owner = await api.ScalarAsync<Guid>(AsTraveller, $"select traveller_id from public.create_booking('{Kayaking}', '[2031-05-01,2031-05-08)', 1)");
        Assert.AreEqual(Traveller, owner, "the traveller is the caller, not a parameter");

        Assert.AreEqual("22023", await api.SqlStateAsync(AsTraveller, $"select public.create_booking('{Kayaking}', '[2031-05-01,2031-05-08)', 9)"), "more guests than the group size");
        Assert.AreEqual("22023", await api.SqlStateAsync(AsTraveller, $"select public.create_booking('{Kayaking}', '[2020-05-01,2020-05-08)', 1)"), "dates in the past");
        Assert.AreEqual("P0002", await api.SqlStateAsync(AsTraveller, $"select public.create_booking('{GlacierDraft}', '[2031-05-01,2031-05-03)', 1)"), "drafts cannot be booked");
    }

    [TestMethod]
    public async Task VendorStatsAreForTheOwnerAndAdmins()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(2580.00m, await api.ScalarAsync<decimal>(AsVendor, $"select revenue from public.vendor_stats('{Vendor}')"), "the completed booking counts");
        Assert.AreEqual(1L, await api.ScalarAsync<long>(AsVendor, $"select review_count from public.vendor_stats('{Vendor}')"));
        Assert.AreEqual(980.00m, await api.ScalarAsync<decimal>(AsAdmin, $"select revenue from public.vendor_stats('{RivalVendor}')"), "confirmed counts, pending does not");
        Assert.AreEqual("42501", await api.SqlStateAsync(AsRival, $"select * from public.vendor_stats('{Vendor}')"));
        Assert.AreEqual("42501", await api.SqlStateAsync(Persona.Anon, $"select * from public.vendor_stats('{Vendor}')"));
    }

    [TestMethod]
    public async Task ClaimsAndRoleEndWithTheRequest()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        Assert.AreEqual(Traveller, await api.ScalarAsync<Guid>(AsTraveller, "select auth.uid()"));
        Assert.AreEqual("authenticated", await api.ScalarAsync<string>(AsTraveller, "select current_user::text"));

        Assert.IsNull(await api.ScalarAsync<Guid?>(Persona.Anon, "select auth.uid()"), "no claim survives its request");
        Assert.AreEqual("authenticator", await api.OutsideRequestAsync("select current_user::text"));
        Assert.AreEqual("authenticator", await api.OutsideRequestAsync("select session_user::text"));
        Assert.AreEqual(string.Empty, await api.OutsideRequestAsync("select current_setting('request.jwt.claims', true)"), "PostgREST's '' after the transaction");
    }

    [TestMethod]
    public async Task TheAuthenticatorItselfCanReadNothing()
    {
        await using var api = await ApiSession.OpenAsync(Database.Connection);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => api.OutsideRequestAsync("select count(*) from public.profiles"));
        Assert.AreEqual("42501", error.SqlState);
        var setRole = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => api.OutsideRequestAsync("set role postgres"));
        Assert.AreEqual("42501", setRole.SqlState, "only the API roles can be entered");
    }
}
