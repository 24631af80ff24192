using KubeLab.Charts;

namespace KubeLab;

/// <summary>One access decision: may <see cref="Subject"/> do <see cref="Verb"/> on <see cref="Resource"/>, and why (the authorizer's reason).</summary>
public sealed record AccessDecision(Subject Subject, string Verb, string Resource, string? Namespace, bool Allowed, string Reason)
{
    public override string ToString() => $"{Subject} {Verb} {Resource}{(Namespace is null ? "" : " -n " + Namespace)}: {(Allowed ? "yes" : "no")}" +
                                         (Reason.Length > 0 ? $" ({Reason})" : "");
}

/// <summary>Subjects × (verb resource) → allowed, as SubjectAccessReview answered for each cell.</summary>
public sealed class AccessMatrix(IReadOnlyList<Subject> subjects, IReadOnlyList<(string Verb, string Resource)> actions, IReadOnlyList<AccessDecision> decisions)
{
    public IReadOnlyList<Subject> Subjects { get; } = subjects;
    public IReadOnlyList<(string Verb, string Resource)> Actions { get; } = actions;
    public IReadOnlyList<AccessDecision> Decisions { get; } = decisions;

    public bool this[Subject subject, string verb, string resource]
        => Decisions.First(d => d.Subject == subject && d.Verb == verb && d.Resource == resource).Allowed;

    /// <summary>How many of the actions each subject may do.</summary>
    public int AllowedCount(Subject subject) => Decisions.Count(d => d.Subject == subject && d.Allowed);

    private static string Column((string Verb, string Resource) a) => $"{a.Verb} {a.Resource}";

    /// <summary>One row per subject, one column per "verb resource" with ✓ or ·, for ToTabularDataResource().</summary>
    public IReadOnlyList<Dictionary<string, object>> Rows() => Subjects.Select(s =>
    {
        var row = new Dictionary<string, object> { ["subject"] = s.ToString() };
        foreach (var a in Actions) row[Column(a)] = this[s, a.Verb, a.Resource] ? "✓" : "·";
        return row;
    }).ToList();

    /// <summary>A heatmap: rows = subjects, columns = "verb resource", 1 = allowed, 0 = forbidden.</summary>
    public Plot ToHeatmap(string? title = null)
    {
        var spec = new ChartSpec(title ?? "What each subject may do (SubjectAccessReview)")
        {
            XTitle = "verb resource", YTitle = "subject", Note = "1 = allowed, 0 = forbidden",
        };
        spec.AddHeatmap(Actions.Select(Column), Subjects.Select(s => s.ToString()),
            Subjects.Select(s => Actions.Select(a => this[s, a.Verb, a.Resource] ? 1.0 : 0.0)),
            Subjects.Select(s => Actions.Select(a => this[s, a.Verb, a.Resource] ? "yes" : "no")));
        return new Plot(spec.ToJson());
    }
}
