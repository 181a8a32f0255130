using MigrationTasks.Backup;
using MigrationTasks.Common;
using MigrationTasks.Tests.Infrastructure;

namespace MigrationTasks.Tests.Backup;

/// <summary>
/// A database worth backing up: roles owning objects, row-level security, several schemas, every common object
/// kind (identity, enum, domain, sequence, FK, check, index, trigger, security-definer function, view,
/// materialized view, partitions, comments, grants, a dropped column) and a Supabase migration history.
/// </summary>
public static class BackupFixtures
{
    public const string OwnerRole = "mt_backup_owner";
    public const string ReaderRole = "mt_backup_reader";
    public const string LoginRole = "mt_backup_app";

    /// <summary>Roles are cluster-wide: created once, under an advisory lock so parallel tests do not race.</summary>
    public const string RolesSql = $"""
        DO $$
        BEGIN
            PERFORM pg_advisory_xact_lock(60601);
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN CREATE ROLE {OwnerRole} NOLOGIN; END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ReaderRole}') THEN CREATE ROLE {ReaderRole} NOLOGIN; END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LoginRole}') THEN CREATE ROLE {LoginRole} LOGIN IN ROLE {ReaderRole}; END IF;
        END $$;
        """;

    public const string SchemaSql = $"""
        CREATE SCHEMA app AUTHORIZATION {OwnerRole};
        CREATE SCHEMA billing AUTHORIZATION {OwnerRole};
        CREATE SCHEMA supabase_migrations;
        CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
        INSERT INTO supabase_migrations.schema_migrations VALUES
            ('20240101000000', ARRAY['create schema app'], 'init'),
            ('20240201000000', ARRAY['create table app.users ()'], 'users'),
            ('20240301000000', ARRAY['create table billing.invoices ()'], 'billing');

        CREATE TYPE app.mood AS ENUM ('happy', 'sad', 'it''s complicated');
        CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%');
        CREATE SEQUENCE billing.invoice_no START 1000 INCREMENT 7;
        CREATE TABLE app.users (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email app.email NOT NULL UNIQUE,
            mood app.mood,
            created_at timestamptz NOT NULL DEFAULT now(),
            profile jsonb,
            avatar bytea,
            score numeric(10, 2),
            ratio double precision,
            tags text[],
            "Mixed Case" text,
            legacy json
        );
        ALTER TABLE app.users ADD COLUMN dropped int;
        ALTER TABLE app.users DROP COLUMN dropped;
        ALTER TABLE app.users OWNER TO {OwnerRole};
        COMMENT ON TABLE app.users IS 'people, and their moods';
        COMMENT ON COLUMN app.users.email IS 'unique';
        ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
        CREATE POLICY users_self ON app.users FOR SELECT TO {ReaderRole} USING (email = current_user || '@example.com');
        GRANT USAGE ON SCHEMA app TO {ReaderRole};
        GRANT SELECT ON app.users TO {ReaderRole};

        CREATE TABLE billing.invoices (
            no integer PRIMARY KEY DEFAULT nextval('billing.invoice_no'),
            user_id bigint NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
            amount numeric(12, 2) CHECK (amount >= 0),
            issued date
        );
        ALTER TABLE billing.invoices OWNER TO {OwnerRole};
        CREATE INDEX invoices_user ON billing.invoices (user_id);

        CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
            AS $f$ BEGIN NEW.created_at := now(); RETURN NEW; END $f$;
        CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();
        CREATE VIEW app.user_emails WITH (security_invoker = true) AS SELECT id, email FROM app.users;
        CREATE MATERIALIZED VIEW billing.totals AS SELECT user_id, sum(amount) AS total FROM billing.invoices GROUP BY user_id;

        CREATE TABLE public.events (id integer NOT NULL, at timestamptz NOT NULL, payload text) PARTITION BY RANGE (at);
        CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

        INSERT INTO app.users (email, mood, created_at, profile, avatar, score, ratio, tags, "Mixed Case", legacy)
        SELECT 'user' || g || '@example.com', (ARRAY['happy', 'sad', 'it''s complicated'])[1 + g % 3]::app.mood,
               timestamptz '2024-01-01 00:00:00+00' + g * interval '37 minutes', jsonb_build_object('n', g, 'nested', jsonb_build_array(g, 'x')),
               decode(md5(g::text), 'hex'), g * 1.25, g / 7.0, ARRAY['t' || (g % 5), 'quote''s'], CASE WHEN g % 4 = 0 THEN NULL ELSE 'v' || g END,
               json_build_object('old', g)
        FROM generate_series(1, 400) g;
        INSERT INTO billing.invoices (user_id, amount, issued)
        SELECT 1 + g % 400, (g % 1000) / 10.0, date '2024-01-01' + g % 365 FROM generate_series(1, 1500) g;
        INSERT INTO public.events SELECT g, timestamptz '2024-06-01 00:00:00+00' + g * interval '1 hour', repeat('e', g % 50) FROM generate_series(1, 900) g;
        REFRESH MATERIALIZED VIEW billing.totals;
        """;

    /// <summary>A new database holding the fixture.</summary>
    public static async Task<TestDatabase> CreateRichDatabaseAsync()
    {
        var database = await TestServer.CreateDatabaseAsync();
        await database.ExecuteAsync(RolesSql);
        await database.ExecuteAsync(SchemaSql);
        return database;
    }

    public static BackupOptions Options(string root, string label = "production") => new()
    {
        Root = root,
        Label = label,
        Jobs = 2,
        ChecksumTables = 3,
        BinDirectory = TestServer.Server.Binaries?.BinDirectory,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
    };

    public static RestoreOptions RestoreOptions(string reportDirectory, bool overwrite = false) => new()
    {
        ReportDirectory = reportDirectory,
        Jobs = 2,
        Overwrite = overwrite,
        BinDirectory = TestServer.Server.Binaries?.BinDirectory,
    };
}

/// <summary>An engine log that keeps every line, for assertions and secret scans.</summary>
public sealed class RecordingLog : IEngineLog
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join(Environment.NewLine, Lines);

    public void Info(string message) => Add("info: " + message);

    public void Detail(string message) => Add("detail: " + message);

    public void Warning(string code, string message) => Add($"warning {code}: {message}");

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
