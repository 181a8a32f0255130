using MigrationTasks.Indexes;

namespace MigrationTasks.Tests.Indexes;

/// <summary>Reading conditions as EXPLAIN prints them (the texts are PostgreSQL 15's own output) into column predicates.</summary>
[TestClass]
public sealed class PlanReadingTests
{
    [TestMethod]
    public void ParametersConstantsJoinsAndNullTestsAreTold()
    {
        var predicates = Read("((NOT is_private) AND (travel_dates && daterange($1, $2, '[]'::text)) AND (read_at IS NULL) AND (status = 'published'::adventure_status))", "t")
            .Concat(Read("(b.adventure_id = a.id)", null)).ToList();

        Assert.Contains(new ColumnPredicate("t", "is_private", null, "=", OperandKind.Constant, ["false"]), predicates);
        Assert.IsTrue(predicates.Any(p => p is { Alias: "t", Column: "travel_dates", Operator: "&&", Operand: OperandKind.Parameter }), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Column: "read_at", Operator: "IS NULL", Operand: OperandKind.NullTest }), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Column: "status", Operator: "=", Operand: OperandKind.Constant } && p.Constants.SequenceEqual(["published"])), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Alias: "b", Column: "adventure_id", Operand: OperandKind.Column, OtherAlias: "a", OtherColumn: "id" }), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Alias: "a", Column: "id", Operand: OperandKind.Column, OtherAlias: "b" }), Dump(predicates));
    }

    [TestMethod]
    public void AnInListIsAConstantSetAndACastColumnIsNotAKey()
    {
        var predicates = Read("((status = ANY ('{pending,\"con firmed\",NULL}'::booking_status[])) AND ((country)::text = ANY ('{NO,IS}'::text[])) AND (price <= $2))", "a");

        var inList = predicates.Single(p => p.Column == "status");
        Assert.AreEqual(("= ANY", OperandKind.Constant), (inList.Operator, inList.Operand));
        CollectionAssert.AreEqual(new[] { "pending", "con firmed", null }, inList.Constants.ToArray());
        Assert.IsFalse(predicates.Any(p => p.Column == "country"), "a cast changes the key: an index on country cannot serve (country)::text");
        Assert.IsTrue(predicates.Any(p => p is { Column: "price", Operator: "<=", Operand: OperandKind.Parameter }));
    }

    [TestMethod]
    public void FunctionsOfAColumnAreExpressionKeysAndFunctionValuesAreNeverConstants()
    {
        var predicates = Read("((lower(travel_dates) >= $1) AND (created_at > (now() - '1 year'::interval)) AND ('5'::integer < guests))", "b");

        Assert.IsTrue(predicates.Any(p => p is { Column: "travel_dates", Function: "lower", Operator: ">=", Operand: OperandKind.Parameter }), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Column: "created_at", Operator: ">", Operand: OperandKind.Parameter }), "now() is not a constant: " + Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Column: "guests", Operator: ">", Operand: OperandKind.Constant }), "the literal on the left is commuted: " + Dump(predicates));
    }

    [TestMethod]
    public void OrsSubPlansAndOddShapesYieldNothingAndNeverFail()
    {
        Assert.IsEmpty(Read("((traveller_id = $0) OR (hashed SubPlan 6) OR $7)", "b"));
        Assert.IsEmpty(Read("(CASE WHEN (x > 1) THEN true ELSE false END)", "b"));
        Assert.IsEmpty(Read("((a, b) = (1, 2))", "b"));
        Assert.IsEmpty(Read("this is not ) an expression (", "b"));
        Assert.IsInstanceOfType<PlanExpression.Other>(PlanExpression.Parse("'unterminated"));
    }

    [TestMethod]
    public void QuotedNamesEscapedStringsAndSchemaQualifiedOperatorsAreRead()
    {
        var predicates = Read("((\"Odd \"\"Name\" = E'it''s \\\\ fine') AND (title OPERATOR(extensions.%) 'kayak'::text) AND (search @@ websearch_to_tsquery('english'::regconfig, $1)))", "x");

        var odd = predicates.Single(p => p.Column == "Odd \"Name");
        CollectionAssert.AreEqual(new[] { "it's \\ fine" }, odd.Constants.ToArray());
        Assert.IsTrue(predicates.Any(p => p is { Column: "title", Operator: "%", Operand: OperandKind.Constant }), Dump(predicates));
        Assert.IsTrue(predicates.Any(p => p is { Column: "search", Operator: "@@", Operand: OperandKind.Parameter }), Dump(predicates));
    }

    [TestMethod]
    public void TheLimitedSortOrderIsReadFromASortUnderALimit()
    {
        var plan = QueryPlan.Parse("""
            [{"Plan": {"Node Type": "Limit", "Plans": [
              {"Node Type": "Sort", "Parent Relationship": "Outer", "Sort Key": ["n.created_at DESC", "n.id"], "Plans": [
                {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "notifications", "Alias": "n", "Filter": "(n.recipient_id = $1)",
                 "Actual Rows": 20, "Actual Loops": 1, "Rows Removed by Filter": 9980}]}]},
              "Planning Time": 0.1, "Execution Time": 2.5}]
            """);

        var order = PlanPredicates.LimitedOrder(plan);

        CollectionAssert.AreEqual(new[] { new SortTerm("n", "created_at", null, true), new SortTerm("n", "id", null, false) }, order.ToArray());
        Assert.AreEqual(2.6, plan.TotalMs, 1e-9);
        Assert.AreEqual(9980, plan.Root.Children[0].Children[0].TotalRowsRemoved);
        StringAssert.Contains(plan.Render(), "Seq Scan on notifications n (rows 20");
    }

    [TestMethod]
    public void ASortReachesTheLimitThroughTheOuterSideOfAJoinAndAGatherMerge()
    {
        // search_dates at scale 100: Limit -> Nested Loop -> Gather Merge -> Sort -> Parallel Seq Scan (PostgreSQL 15's plan).
        var plan = QueryPlan.Parse("""
            [{"Plan": {"Node Type": "Limit", "Plans": [
              {"Node Type": "Nested Loop", "Parent Relationship": "Outer", "Plans": [
                {"Node Type": "Gather Merge", "Parent Relationship": "Outer", "Plans": [
                  {"Node Type": "Sort", "Parent Relationship": "Outer", "Sort Key": ["(lower(t.travel_dates))", "t.id"], "Plans": [
                    {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "group_trips", "Alias": "t"}]}]},
                {"Node Type": "Index Scan", "Parent Relationship": "Inner", "Relation Name": "adventures", "Alias": "a", "Index Name": "adventures_pkey"}]}]}}]
            """);

        CollectionAssert.AreEqual(new[] { new SortTerm("t", "travel_dates", "lower", false), new SortTerm("t", "id", null, false) }, PlanPredicates.LimitedOrder(plan).ToArray());
    }

    [TestMethod]
    public void ArrayLiteralsAreSplitAsPostgreSqlWritesThem()
    {
        CollectionAssert.AreEqual(new[] { "a", "b c", "d,e", "q\"uote", null, "NULL" }, PlanPredicates.ParseArrayLiteral("{a,\"b c\",\"d,e\",\"q\\\"uote\",NULL,\"NULL\"}").ToArray());
        Assert.IsEmpty(PlanPredicates.ParseArrayLiteral("{}"));
    }

    private static List<ColumnPredicate> Read(string condition, string? alias)
    {
        var node = new System.Text.Json.Nodes.JsonObject { ["Node Type"] = "Seq Scan", ["Relation Name"] = "t", ["Alias"] = alias, ["Filter"] = condition };
        var plan = QueryPlan.Parse(new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["Plan"] = node }).ToJsonString());
        return [.. PlanPredicates.Extract(plan)];
    }

    private static string Dump(IEnumerable<ColumnPredicate> predicates) => string.Join("; ", predicates);
}
