using k8s.Models;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>One line of a ResourceQuota's status: a resource name, what is used and the hard limit (as written and as numbers).</summary>
public sealed record QuotaLine(string Resource, string Used, string Hard, double UsedValue, double HardValue)
{
    /// <summary>Used as a share of hard, in percent (0 when hard is 0).</summary>
    public double Percent => HardValue == 0 ? 0 : 100 * UsedValue / HardValue;

    public override string ToString() => $"{Resource}: {Used}/{Hard}";
}

/// <summary>A ResourceQuota's <c>status.used</c> against <c>status.hard</c> (<c>kubectl describe quota</c>).</summary>
public sealed class QuotaStatus
{
    public string Name { get; }
    public IReadOnlyList<QuotaLine> Lines { get; }

    public QuotaStatus(V1ResourceQuota quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        Name = quota.Metadata.Name;
        var hard = quota.Status?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var used = quota.Status?.Used ?? new Dictionary<string, ResourceQuantity>();
        Lines = hard.Keys.Order(StringComparer.Ordinal).Select(k =>
        {
            var u = used.TryGetValue(k, out var q) ? q : new ResourceQuantity("0");
            return new QuotaLine(k, u.ToString(), hard[k].ToString(), (double)u.ToDecimal(), (double)hard[k].ToDecimal());
        }).ToList();
    }

    /// <summary>The line of one resource name (e.g. "requests.cpu", "count/configmaps"), or null.</summary>
    public QuotaLine? this[string resource] => Lines.FirstOrDefault(l => l.Resource == resource);

    /// <summary>Bars per resource: used as a percentage of hard (units differ, so the share is what compares); hover shows used/hard.</summary>
    public Plot ToPlot(string? title = null)
    {
        var spec = new ChartSpec(title ?? $"ResourceQuota {Name}: used vs hard") { XTitle = "resource", YTitle = "% of hard", BarMode = "group", YFromZero = true, Note = ToString() };
        spec.Add("bar", "hard", Lines.Select(l => (object)l.Resource), Lines.Select(_ => (object)100.0), color: "#7f7f7f", text: Lines.Select(l => $"hard {l.Hard}"));
        spec.Add("bar", "used", Lines.Select(l => (object)l.Resource), Lines.Select(l => (object)Math.Round(l.Percent, 1)), color: "#1f77b4", text: Lines.Select(l => l.ToString()));
        return new Plot(spec.ToJson());
    }

    public override string ToString() => $"{Name}: " + string.Join(", ", Lines.Select(l => l.ToString()));
}
