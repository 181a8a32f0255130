using System.Text.Json.Nodes;

namespace MigrationTasks.Security.Matrix;

/// <summary>
/// A persona of the matrix: the role its requests run as, and for a signed-in user the query that chooses the
/// user (run after the fixtures, so it may pick a user the fixtures created); <see cref="Claims"/> are merged over
/// the claims built from the user's row.
/// </summary>
public sealed record PersonaDefinition(string Name, string Role, string? UserQuery, JsonObject? Claims, SourceLocation Location);
