using System.Diagnostics;
using System.Globalization;
using MigrationTasks.Catalog;
using MigrationTasks.Diff;
using MigrationTasks.Diff.Sql;
using MigrationTasks.Servers;
using MigrationTasks.Tools;
using Npgsql;

namespace MigrationTasks.Benchmarks;

/// <summary>
/// Reading a large schema (100 tables per scale unit, each with columns, a default, a primary key, an index, a
/// policy, a trigger and functions: about 1,200 catalog objects per unit, so scale 10 is about 12,000) against
/// <c>pg_dump --schema-only</c> of the same database, which is what introspection competes with. Also the time
/// to compare two such catalogs (5% of the tables drifted) and order the script, and the number of catalog
/// queries, which must not grow with the number of tables.
/// </summary>
public sealed class DiffScenario : IBenchmarkScenario
{
    public string Name => "diff";

    public string Description => "catalog introspection vs pg_dump --schema-only on a generated schema; diff and query count";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (context.Server.Binaries is not { HasClient: true } binaries)
        {
            Console.WriteLine("diff | not run (no pg_dump for the benchmark server)");
            return;
        }

        foreach (var scale in context.Scales)
        {
            var tables = 100 * scale;
            var desired = $"bench_diff_{scale}_desired";
            var actual = $"bench_diff_{scale}_actual";
            await ExecuteAsync(context.Server, $"DROP DATABASE IF EXISTS {desired} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server, $"DROP DATABASE IF EXISTS {actual} WITH (FORCE)", cancellationToken);
            await ExecuteAsync(context.Server, $"CREATE DATABASE {desired}", cancellationToken);
            await ExecuteAsync(context.Server, Generate(tables), cancellationToken, desired);
            await ExecuteAsync(context.Server, $"CREATE DATABASE {actual} TEMPLATE {desired}", cancellationToken);
            await ExecuteAsync(context.Server, Drift(tables), cancellationToken, actual);
            try
            {
                var connection = context.Server.Connection.WithDatabase(desired).With(b => b.Pooling = false);
                var catalog = await CatalogReader.ReadAsync(connection, cancellationToken);
                var (read, dump) = await context.MeasureAsync(
                    async () => catalog = await CatalogReader.ReadAsync(connection, cancellationToken),
                    async () => await PostgresTool.RunAsync(binaries, "pg_dump", connection, ["--schema-only", "--no-password"], cancellationToken));
                context.Report(string.Create(CultureInfo.InvariantCulture, $"diff: read {tables} tables ({catalog.Objects.Count} objects, {catalog.Info.QueryCount} queries)"),
                    read, "pg_dump --schema-only", dump);

                var drifted = await CatalogReader.ReadAsync(context.Server.Connection.WithDatabase(actual).With(b => b.Pooling = false), cancellationToken);
                var compare = new List<double>();
                var statements = 0;
                for (var run = 0; run < context.Runs; run++)
                {
                    var watch = Stopwatch.StartNew();
                    var diff = SchemaDiffer.Compare(catalog, drifted, new DiffOptions { AllowDestructive = true });
                    statements = ScriptRenderer.Render(diff.Steps, "benchmark").Length > 0 ? diff.Steps.Count : 0;
                    compare.Add(watch.Elapsed.TotalSeconds);
                }

                compare.Sort();
                context.Report(string.Create(CultureInfo.InvariantCulture, $"diff: compare + order + render ({statements} statements for {tables / 20} drifted tables)"),
                    compare[compare.Count / 2], "reading one side", read);
            }
            finally
            {
                await ExecuteAsync(context.Server, $"DROP DATABASE IF EXISTS {desired} WITH (FORCE)", CancellationToken.None);
                await ExecuteAsync(context.Server, $"DROP DATABASE IF EXISTS {actual} WITH (FORCE)", CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Per table: 6 columns (one with a default), a primary key, an index, RLS with a policy, a trigger; per 10
    /// tables a view; plus an enum, a domain and one function per table (half of them used by the policies).
    /// </summary>
    internal static string Generate(int tables) => $$"""
        create type public.state as enum ('new', 'active', 'closed');
        create domain public.amount as numeric(12,2) check (value >= 0);
        create function public.touch() returns trigger language plpgsql as $f$ begin new.updated_at := now(); return new; end $f$;
        do $$
        begin
          for i in 1..{{tables}} loop
            execute format($s$
              create table public.t%1$s (
                id bigint generated always as identity primary key,
                owner uuid not null,
                state public.state not null default 'new',
                total public.amount,
                note text,
                updated_at timestamptz not null default now());
              create index t%1$s_owner_idx on public.t%1$s (owner, state);
              create function public.f%1$s(p uuid) returns boolean language sql stable as 'select p is not null';
              alter table public.t%1$s enable row level security;
              create policy own on public.t%1$s for all using (public.f%1$s(owner)) with check (owner is not null);
              create trigger touch before update on public.t%1$s for each row execute function public.touch();
              comment on table public.t%1$s is 'generated table %1$s';
            $s$, i);
            if i % 10 = 0 then
              execute format('create view public.v%1$s with (security_invoker = true) as select id, owner, state from public.t%1$s where state <> ''closed''', i);
            end if;
          end loop;
        end $$;
        """;

    /// <summary>5% of the tables drift: a column type, a missing index, a policy edited, RLS off.</summary>
    internal static string Drift(int tables) => $$"""
        do $$
        begin
          for i in 1..{{tables}} by 20 loop
            execute format($s$
              alter table public.t%1$s alter column note type varchar(200);
              drop index public.t%1$s_owner_idx;
              alter policy own on public.t%1$s using (true);
              alter table public.t%1$s disable row level security;
            $s$, i);
          end loop;
        end $$;
        """;

    internal static async Task ExecuteAsync(IPostgresServer server, string sql, CancellationToken cancellationToken, string? database = null)
    {
        var target = (database is null ? server.Connection : server.Connection.WithDatabase(database)).With(b => b.Pooling = false);
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
