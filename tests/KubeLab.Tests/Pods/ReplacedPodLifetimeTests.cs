using k8s.Models;
using KubeLab.Observe;

namespace KubeLab.Tests.Pods;

/// <summary>A pod deleted and created again under the same name (01's emptyDir experiment) is two lifetimes, not one.</summary>
public class ReplacedPodLifetimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(bool ready, string uid) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-with-sidecar", Uid = uid, NamespaceProperty = "lab-x" },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker" },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    [Fact]
    public void Same_name_after_deletion_starts_a_new_lifetime()
    {
        var t = new Timeline(T0, T0.AddSeconds(20),
        [
            new RecordedChange(T0.AddSeconds(1), "Pod", "ADDED", Pod(false, "a")),
            new RecordedChange(T0.AddSeconds(2), "Pod", "MODIFIED", Pod(true, "a")),
            new RecordedChange(T0.AddSeconds(5), "Pod", "DELETED", Pod(true, "a")),
            new RecordedChange(T0.AddSeconds(6), "Pod", "ADDED", Pod(false, "b")),
            new RecordedChange(T0.AddSeconds(8), "Pod", "MODIFIED", Pod(true, "b")),
        ], "embedded simulator");

        var lives = t.PodLifetimes();
        Assert.Equal(2, lives.Count);
        Assert.Equal(T0.AddSeconds(5), lives[0].Deleted);
        Assert.Equal(T0.AddSeconds(6), lives[1].Created);
        Assert.Equal(T0.AddSeconds(8), lives[1].Ready);
        Assert.Null(lives[1].Deleted);
    }
}
