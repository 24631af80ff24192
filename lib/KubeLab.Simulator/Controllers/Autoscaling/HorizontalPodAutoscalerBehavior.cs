using k8s.Models;

namespace KubeLab.Simulator.Controllers.Autoscaling;

/// <summary>A condition the normalisation wants set on the HPA (type, status, reason, message).</summary>
public sealed record HpaConditionChange(string Type, string Status, string Reason, string Message);

/// <summary>
/// The HPA's memory and rate limits for one HorizontalPodAutoscaler (horizontal.go: stabilizeRecommendation*,
/// convertDesiredReplicas*, calculateScale{Up,Down}Limit*). It remembers recent recommendations (stabilisation windows) and
/// recent scale events (policy periods). Pure apart from that memory: every method takes "now".
/// <para>Without <c>spec.behavior</c> the controller uses its legacy path: a 300 s downscale stabilisation window
/// (--horizontal-pod-autoscaler-downscale-stabilization) and a scale-up limit of max(2 × current, 4) per sync. With
/// <c>spec.behavior</c> (defaulted by the API server: scaleUp 0 s window, Max of 100 % and 4 pods per 15 s; scaleDown
/// 300 s window, 100 % per 15 s) the policies apply. With a 15 s sync period the two agree.</para>
/// </summary>
public sealed class HorizontalPodAutoscalerBehavior
{
    public static readonly TimeSpan DefaultDownscaleStabilization = TimeSpan.FromMinutes(5);

    private readonly List<(DateTimeOffset At, int Replicas)> recommendations = [];
    private readonly List<(DateTimeOffset At, int Change)> scaleUpEvents = [];
    private readonly List<(DateTimeOffset At, int Change)> scaleDownEvents = [];
    private readonly TimeSpan downscaleStabilization;

    public HorizontalPodAutoscalerBehavior(TimeSpan? downscaleStabilization = null) =>
        this.downscaleStabilization = downscaleStabilization ?? DefaultDownscaleStabilization;

    /// <summary>The API server's defaults for a behavior that was given (autoscaling/v2 SetDefaults_HorizontalPodAutoscalerBehavior).</summary>
    public static V2HorizontalPodAutoscalerBehavior WithDefaults(V2HorizontalPodAutoscalerBehavior behavior) => new()
    {
        ScaleUp = Rules(behavior.ScaleUp, 0, "Max", [Policy("Percent", 100, 15), Policy("Pods", 4, 15)]),
        ScaleDown = Rules(behavior.ScaleDown, null, "Max", [Policy("Percent", 100, 15)]),
    };

    private static V2HPAScalingPolicy Policy(string type, int value, int periodSeconds) => new() { Type = type, Value = value, PeriodSeconds = periodSeconds };

    private static V2HPAScalingRules Rules(V2HPAScalingRules? given, int? window, string select, List<V2HPAScalingPolicy> policies) => new()
    {
        StabilizationWindowSeconds = given?.StabilizationWindowSeconds ?? window,
        SelectPolicy = given?.SelectPolicy ?? select,
        Policies = given?.Policies is { Count: > 0 } p ? p : policies,
    };

    /// <summary>Stabilises and rate-limits <paramref name="desired"/>; returns the replica count to use and the conditions to set.</summary>
    public (int Replicas, HpaConditionChange AbleToScale, HpaConditionChange ScalingLimited) Normalize(
        V2HorizontalPodAutoscalerBehavior? behavior, int current, int desired, int minReplicas, int maxReplicas, DateTimeOffset now)
    {
        lock (recommendations)
            return behavior is null
                ? NormalizeLegacy(current, desired, minReplicas, maxReplicas, now)
                : NormalizeWithBehaviors(WithDefaults(behavior), current, desired, minReplicas, maxReplicas, now);
    }

    /// <summary>Remembers a rescale for the policies' periods (storeScaleEvent).</summary>
    public void RecordScale(int from, int to, DateTimeOffset now)
    {
        lock (recommendations)
        {
            if (to > from) scaleUpEvents.Add((now, to - from));
            else if (to < from) scaleDownEvents.Add((now, from - to));
            // Events older than the longest policy period the API allows (1800 s) can never matter again.
            scaleUpEvents.RemoveAll(e => e.At < now - TimeSpan.FromMinutes(30));
            scaleDownEvents.RemoveAll(e => e.At < now - TimeSpan.FromMinutes(30));
        }
    }

    private (int, HpaConditionChange, HpaConditionChange) NormalizeLegacy(int current, int desired, int min, int max, DateTimeOffset now)
    {
        // The highest recommendation of the window wins, so a dip does not scale down at once.
        var stabilized = desired;
        var cutoff = now - downscaleStabilization;
        foreach (var r in recommendations.Where(r => r.At >= cutoff)) stabilized = Math.Max(stabilized, r.Replicas);
        Record(desired, now, cutoff, cutoff);
        var able = stabilized != desired
            ? new HpaConditionChange("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
            : new HpaConditionChange("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");

        var scaleUpLimit = Math.Max(2 * current, 4);
        var (maxAllowed, reason, message) = max > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        int result;
        if (stabilized < min) (result, reason, message) = (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        else if (stabilized > maxAllowed) result = maxAllowed;
        else (result, reason, message) = (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range");
        return (result, able, Limited(result != stabilized, reason, message));
    }

    private (int, HpaConditionChange, HpaConditionChange) NormalizeWithBehaviors(V2HorizontalPodAutoscalerBehavior b, int current, int desired, int min, int max, DateTimeOffset now)
    {
        var upCutoff = now - TimeSpan.FromSeconds(b.ScaleUp.StabilizationWindowSeconds ?? 0);
        var downCutoff = now - (b.ScaleDown.StabilizationWindowSeconds is { } s ? TimeSpan.FromSeconds(s) : downscaleStabilization);
        // Scale up only to the lowest and down only to the highest recommendation of the respective window.
        int up = desired, down = desired;
        foreach (var r in recommendations)
        {
            if (r.At > upCutoff) up = Math.Min(up, r.Replicas);
            if (r.At > downCutoff) down = Math.Max(down, r.Replicas);
        }
        var stabilized = Math.Min(Math.Max(current, up), down);
        Record(desired, now, upCutoff, downCutoff);
        var able = stabilized == desired
            ? new HpaConditionChange("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
            : desired >= current
                ? new HpaConditionChange("AbleToScale", "True", "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
                : new HpaConditionChange("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");

        var result = stabilized;
        string reason = "DesiredWithinRange", message = "the desired count is within the acceptable range";
        if (stabilized > current)
        {
            var limit = Math.Max(current, ScaleUpLimit(current, scaleUpEvents, b.ScaleUp, now));
            var (maxAllowed, r, m) = max > limit
                ? (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (stabilized > maxAllowed) (result, reason, message) = (maxAllowed, r, m);
        }
        else if (stabilized < current)
        {
            var limit = Math.Min(current, ScaleDownLimit(current, scaleDownEvents, b.ScaleDown, now));
            var (minAllowed, r, m) = min < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (stabilized < minAllowed) (result, reason, message) = (minAllowed, r, m);
        }
        return (result, able, Limited(result != stabilized, reason, message));
    }

    private static HpaConditionChange Limited(bool limited, string reason, string message) => new("ScalingLimited", limited ? "True" : "False", reason, message);

    /// <summary>Keeps one entry per sync: an entry older than both windows is overwritten, else a new one is added.</summary>
    private void Record(int desired, DateTimeOffset now, DateTimeOffset upCutoff, DateTimeOffset downCutoff)
    {
        var old = recommendations.FindIndex(r => r.At < upCutoff && r.At < downCutoff);
        if (old >= 0) recommendations[old] = (now, desired);
        else recommendations.Add((now, desired));
    }

    private static int ChangeInPeriod(List<(DateTimeOffset At, int Change)> events, int periodSeconds, DateTimeOffset now)
    {
        var cutoff = now - TimeSpan.FromSeconds(periodSeconds);
        return events.Where(e => e.At > cutoff).Sum(e => e.Change);
    }

    /// <summary>Replicas allowed after scaling up: per policy, from the count at the start of its period; Max or Min over policies.</summary>
    public static int ScaleUpLimit(int current, List<(DateTimeOffset At, int Change)> events, V2HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled") return current;
        var useMin = rules.SelectPolicy == "Min";
        var result = useMin ? int.MaxValue : int.MinValue;
        foreach (var p in rules.Policies ?? [])
        {
            var start = current - ChangeInPeriod(events, p.PeriodSeconds, now);
            var proposed = p.Type == "Pods" ? start + p.Value : (int)Math.Ceiling(start * (1 + p.Value / 100.0));
            result = useMin ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result;
    }

    /// <summary>Replicas allowed after scaling down (percent rounds down, so the limit never stalls above the target).</summary>
    public static int ScaleDownLimit(int current, List<(DateTimeOffset At, int Change)> events, V2HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled") return current;
        var useMin = rules.SelectPolicy == "Min";
        var result = useMin ? int.MinValue : int.MaxValue;
        foreach (var p in rules.Policies ?? [])
        {
            var start = current + ChangeInPeriod(events, p.PeriodSeconds, now);
            var proposed = p.Type == "Pods" ? start - p.Value : (int)(start * (1 - p.Value / 100.0));
            result = useMin ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }
}
