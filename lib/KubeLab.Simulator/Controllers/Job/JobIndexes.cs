using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// Indexed Jobs: the completion index annotation/label and <c>status.completedIndexes</c>, a sorted list of ranges such as
/// <c>"0-2,4,6-7"</c> (pkg/controller/job indexed_job_utils).
/// </summary>
public static class JobIndexes
{
    public const string IndexKey = "batch.kubernetes.io/job-completion-index";

    public static int? IndexOf(k8s.Models.V1Pod pod) =>
        pod.Metadata.Annotations?.TryGetValue(IndexKey, out var v) == true && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    public static string Format(IEnumerable<int> indexes)
    {
        var sorted = indexes.Distinct().Order().ToList();
        var sb = new StringBuilder();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j > i) sb.Append('-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return sb.ToString();
    }

    public static HashSet<int> Parse(string? ranges)
    {
        var result = new HashSet<int>();
        foreach (var part in (ranges ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var from)) continue;
            var to = bounds.Length > 1 && int.TryParse(bounds[1], CultureInfo.InvariantCulture, out var t) ? t : from;
            for (var i = from; i <= to; i++) result.Add(i);
        }
        return result;
    }
}
