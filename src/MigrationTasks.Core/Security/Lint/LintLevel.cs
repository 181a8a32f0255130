namespace MigrationTasks.Security.Lint;

/// <summary>How serious a finding is (splinter's levels). ERROR findings fail VerifyPolicies unless accepted.</summary>
public enum LintLevel
{
    Info,
    Warn,
    Error,
}

/// <summary>What a lint protects.</summary>
public enum LintCategory
{
    Security,
    Performance,
}
