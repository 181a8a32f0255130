namespace MigrationTasks.Security.Matrix;

/// <summary>The policy matrix (<c>supabase/tests/policies.yaml</c>), loaded and checked by <see cref="PolicyMatrixLoader"/>.</summary>
public sealed record PolicyMatrix
{
    public required string File { get; init; }

    public required IReadOnlyList<PersonaDefinition> Personas { get; init; }

    public required IReadOnlyList<FixtureDefinition> Fixtures { get; init; }

    /// <summary>Named values (<c>values:</c>), written as <c>{{name}}</c> in SQL and in expectations.</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    public required IReadOnlyList<PolicyCheck> Checks { get; init; }

    public required IReadOnlyList<CoverageExclusion> CoverageExclusions { get; init; }

    /// <summary>Every case of every check, in file order.</summary>
    public IEnumerable<PolicyCase> Cases => Checks.SelectMany(check => check.Cases);

    public PersonaDefinition Persona(string name) => Personas.First(persona => persona.Name == name);
}
