namespace MigrationTasks.Diff.Planning;

/// <summary>
/// The order statements take when their dependencies allow any order: drops of dependents first, then
/// creation in the order pg_dump uses (schemas, types, functions, tables, constraints, indexes, views, ...),
/// security last. Dependencies always win over phases.
/// </summary>
internal static class Phases
{
    public const int RenameAway = 5;
    public const int DropPolicy = 10;
    public const int DropTrigger = 11;
    public const int DropView = 12;
    public const int DropIndex = 13;
    public const int DropForeignKey = 14;
    public const int DropConstraint = 15;
    public const int DropDefault = 16;
    public const int DropColumn = 17;
    public const int DropTable = 18;
    public const int DropSequence = 19;
    public const int DropRoutine = 20;
    public const int DropType = 22;
    public const int DropCollation = 23;
    public const int DropExtension = 24;
    public const int DropSchema = 25;

    public const int CreateSchema = 30;
    public const int CreateExtension = 31;
    public const int AlterExtension = 31;
    public const int CreateCollation = 32;
    public const int CreateType = 33;
    public const int AlterType = 33;
    public const int CreateRoutine = 34;
    public const int CreateSequence = 35;
    public const int CreateTable = 36;
    public const int AlterTable = 37;
    public const int AlterColumn = 37;
    public const int CreateDefault = 38;
    public const int SequenceOwnedBy = 39;
    public const int CreateConstraint = 40;
    public const int CreateDomainConstraint = 41;
    public const int CreateForeignKey = 42;
    public const int CreateIndex = 43;
    public const int CreateView = 44;
    public const int CreateMaterializedView = 45;
    public const int CreateTrigger = 46;
    public const int RowSecurity = 47;
    public const int CreatePolicy = 48;
    public const int Metadata = 50;
    public const int ColumnPrivileges = 51;
    public const int DropOld = 55;
    public const int DefaultPrivileges = 60;
}
