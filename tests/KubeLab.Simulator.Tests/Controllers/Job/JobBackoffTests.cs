using k8s.Models;
using KubeLab.Simulator.Controllers.Job;

namespace KubeLab.Simulator.Tests.Controllers.Job;

/// <summary>
/// The pod-failure back-off of Kubernetes 1.32: pkg/controller/job/job_controller.go DefaultJobPodFailureBackOff = 10 s,
/// MaxJobPodFailureBackOff = 10 min; backoff_utils.go getRemainingTimeForFailuresCount doubles from 10 s and stops at the cap;
/// getFinishedTime says from when it counts. (The Job docs' "capped at six minutes" is an older release's MaxJobBackOff.)
/// </summary>
public class JobBackoffTests
{
    private static readonly DateTime T0 = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(4, 80)]
    [InlineData(5, 160)]
    [InlineData(6, 320)]
    [InlineData(7, 600)]   // 640 s would exceed MaxJobPodFailureBackOff: the cap is 10 minutes, not 6
    [InlineData(30, 600)]
    public void Delay_doubles_from_10s_and_is_capped_at_10_minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobBackoff.Delay(failures));

    [Fact]
    public void Remaining_counts_the_failures_after_the_newest_success_from_the_newest_failure()
    {
        var pods = new[]
        {
            Finished("a", "Failed", T0),
            Finished("b", "Succeeded", T0.AddSeconds(5)),
            Finished("c", "Failed", T0.AddSeconds(6)),
            Finished("d", "Failed", T0.AddSeconds(8)),
        };
        // Two failures after the success → 20 s from d's finish (8 s): due at 28 s; at 18 s, 10 s remain.
        Assert.Equal(TimeSpan.FromSeconds(10), JobBackoff.Remaining(pods, new DateTimeOffset(T0.AddSeconds(18))));
        Assert.Equal(TimeSpan.Zero, JobBackoff.Remaining(pods, new DateTimeOffset(T0.AddSeconds(28))));
        Assert.Equal(TimeSpan.Zero, JobBackoff.Remaining(pods.Take(2), new DateTimeOffset(T0.AddSeconds(6))));
    }

    [Fact]
    public void Seven_failures_wait_the_full_10_minutes()
    {
        var pods = Enumerable.Range(0, 7).Select(i => Finished($"p{i}", "Failed", T0.AddSeconds(i))).ToList();
        Assert.Equal(TimeSpan.FromMinutes(10), JobBackoff.Remaining(pods, new DateTimeOffset(T0.AddSeconds(6))));
    }

    [Fact]
    public void Finish_time_falls_back_to_ready_false_then_deletion_minus_grace_then_creation()
    {
        var running = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "x", CreationTimestamp = T0 },
            Status = new V1PodStatus
            {
                Phase = "Running",
                ContainerStatuses = [new V1ContainerStatus { Name = "c", State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = T0 } } }],
            },
        };
        Assert.Equal(new DateTimeOffset(T0), JobBackoff.FinishedAt(running));

        running.Metadata.DeletionTimestamp = T0.AddSeconds(40);
        running.Metadata.DeletionGracePeriodSeconds = 30;
        Assert.Equal(new DateTimeOffset(T0.AddSeconds(10)), JobBackoff.FinishedAt(running));

        running.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = "False", LastTransitionTime = T0.AddSeconds(7) }];
        Assert.Equal(new DateTimeOffset(T0.AddSeconds(7)), JobBackoff.FinishedAt(running));

        Assert.Equal(new DateTimeOffset(T0.AddSeconds(3)), JobBackoff.FinishedAt(Finished("y", "Failed", T0.AddSeconds(3))));
    }

    private static V1Pod Finished(string name, string phase, DateTime finishedAt) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = T0.AddSeconds(-1) },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "work",
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = phase == "Failed" ? 1 : 0, FinishedAt = finishedAt } },
                },
            ],
        },
    };
}
