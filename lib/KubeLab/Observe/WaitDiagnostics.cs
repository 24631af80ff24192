using System.Text;
using k8s;
using k8s.Models;

namespace KubeLab.Observe;

/// <summary>
/// Explains why a wait did not finish: each pod's phase, node and waiting reasons (ImagePullBackOff, CrashLoopBackOff, …),
/// unschedulable messages from the scheduler, and the namespace's latest events.
/// </summary>
internal static class WaitDiagnostics
{
    public static async Task<string> DescribeAsync(IKubernetes client, string ns, string? labelSelector, CancellationToken ct = default)
    {
        var sb = new StringBuilder();
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
        sb.AppendLine(pods.Items.Count == 0
            ? $"  No pods{(labelSelector is null ? "" : $" match {labelSelector}")} in namespace {ns}."
            : $"  Pods{(labelSelector is null ? "" : $" matching {labelSelector}")}:");
        foreach (var pod in pods.Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
            sb.Append("    ").AppendLine(DescribePod(pod));

        var events = await client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: ct).ConfigureAwait(false);
        var latest = events.Items.OrderBy(EventTime).TakeLast(8).ToList();
        if (latest.Count > 0)
        {
            sb.AppendLine("  Latest events:");
            foreach (var e in latest)
                sb.AppendLine($"    {e.Type} {e.Reason} {e.InvolvedObject?.Kind}/{e.InvolvedObject?.Name}: {e.Message}");
        }
        sb.Append(Hint(pods.Items));
        return sb.ToString().TrimEnd();
    }

    internal static string DescribePod(V1Pod pod)
    {
        var parts = new List<string> { $"{pod.Metadata.Name}: {PodStatusText.Status(pod)} (phase {pod.Status?.Phase ?? "?"}, ready {PodStatusText.Ready(pod)}, node {pod.Spec?.NodeName ?? "<none>"})" };
        foreach (var c in pod.Status?.ContainerStatuses ?? [])
        {
            if (c.State?.Waiting is { } w) parts.Add($"container {c.Name} waiting: {w.Reason}{(string.IsNullOrEmpty(w.Message) ? "" : " – " + w.Message)}");
            if (c.State?.Terminated is { } t) parts.Add($"container {c.Name} terminated: {t.Reason} exit code {t.ExitCode}");
        }
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: "False" }) parts.Add($"not scheduled: {scheduled.Reason} – {scheduled.Message}");
        return string.Join("; ", parts);
    }

    private static string Hint(IEnumerable<V1Pod> pods)
    {
        var reasons = pods.SelectMany(p => p.Status?.ContainerStatuses ?? []).Select(c => c.State?.Waiting?.Reason).Where(r => r is not null).ToHashSet();
        if (reasons.Contains("ImagePullBackOff") || reasons.Contains("ErrImagePull"))
            return "  Hint: the image cannot be pulled – check the image name and tag (kubectl describe pod shows the pull error).";
        if (reasons.Contains("CrashLoopBackOff"))
            return "  Hint: a container keeps crashing – read its logs (kubectl logs POD --previous).";
        if (pods.Any(p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true))
            return "  Hint: the scheduler found no node for some pods – check resource requests, node selectors and taints.";
        if (pods.Any(p => string.IsNullOrEmpty(p.Spec?.NodeName) && p.Metadata.DeletionTimestamp is null && p.Status?.Phase is null or "Pending"))
            return "  Hint: some pods have no node and no scheduling verdict yet – check spec.schedulerName (\"default-scheduler\" unless you run " +
                   "another) and that the scheduler runs (kubectl -n kube-system get pods); a FailedScheduling event says what went wrong.";
        return "";
    }

    internal static DateTime EventTime(Corev1Event e)
        => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue;
}
