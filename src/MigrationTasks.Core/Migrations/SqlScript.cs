using MigrationTasks.Connections;
using MigrationTasks.Servers;
using Npgsql;

namespace MigrationTasks.Migrations;

/// <summary>
/// Runs a plain SQL script (no psql meta-commands) statement by statement in autocommit, with errors located in
/// the file: how a throwaway database is prepared (the Supabase compatibility layer) before migrations apply.
/// </summary>
public static class SqlScript
{
    public static async Task RunAsync(DatabaseConnection target, string path, CancellationToken cancellationToken)
    {
        var file = MigrationFile.FromBytes(path, "0", Path.GetFileNameWithoutExtension(path), await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        await using var connection = await ServerInfo.OpenAsync(target.With(b => b.Pooling = false), cancellationToken).ConfigureAwait(false);
        var session = new SqlSession(connection);
        var lines = new TextLines(file.Content);
        for (var index = 0; index < file.Statements.Count; index++)
        {
            var statement = file.Statements[index];
            if (statement.IsCommentOnly)
            {
                continue;
            }

            try
            {
                await session.ExecuteAsync(statement.Text, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception)
            {
                var offset = statement.Offset + (exception.Position > 0 ? TextLines.OffsetOfPosition(statement.Text, exception.Position) : 0);
                throw Errors.Errors.MigrationStatementFailed(path, lines.LineOf(offset), 0, $"{exception.SqlState}: {exception.MessageText}",
                    $"Preparing the database with {Path.GetFileName(path)} failed at statement {index + 1}.");
            }
        }
    }
}
