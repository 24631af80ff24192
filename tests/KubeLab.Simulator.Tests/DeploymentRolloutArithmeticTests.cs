using k8s.Models;
using KubeLab.Simulator.Controllers.Deployment;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The rollout arithmetic of pkg/controller/deployment/util (ResolveFenceposts, NewRSNewReplicas, reconcileOldReplicaSets,
/// getReplicaSetFraction) and the ReplicaSet naming/numbering of ComputeHash and SetNewReplicaSetAnnotations.
/// Kubernetes docs: "maxSurge … absolute number is calculated from the percentage by rounding up"; "maxUnavailable … by rounding down".
/// </summary>
public class DeploymentRolloutArithmeticTests
{
    [Theory]
    [InlineData(3, "25%", "25%", 1, 0)]   // 0.75 surge rounds up to 1, 0.75 unavailable rounds down to 0
    [InlineData(4, "25%", "25%", 1, 1)]
    [InlineData(10, "25%", "25%", 3, 2)]  // 2.5 → 3 surge, 2 unavailable
    [InlineData(3, "0", "1", 0, 1)]
    [InlineData(4, "0", "1", 0, 1)]
    [InlineData(10, "0", "1", 0, 1)]
    [InlineData(3, "2", "0", 2, 0)]
    [InlineData(10, "50%", "10%", 5, 1)]
    [InlineData(3, "0%", "10%", 0, 1)]    // both resolve to 0 → maxUnavailable becomes 1 so the rollout can move
    [InlineData(1, "25%", "25%", 1, 0)]
    public void Surge_rounds_up_and_unavailable_rounds_down(int replicas, string surge, string unavailable, int expectedSurge, int expectedUnavailable)
    {
        Assert.Equal((expectedSurge, expectedUnavailable), RolloutArithmetic.ResolveFenceposts(surge, unavailable, replicas));
    }

    [Fact]
    public void Defaults_apply_when_the_deployment_leaves_them_out_and_Recreate_has_no_band()
    {
        var rolling = Deployment(10, "RollingUpdate");
        Assert.Equal((3, 2), (RolloutArithmetic.MaxSurge(rolling), RolloutArithmetic.MaxUnavailable(rolling)));
        var recreate = Deployment(10, "Recreate");
        Assert.Equal((0, 0), (RolloutArithmetic.MaxSurge(recreate), RolloutArithmetic.MaxUnavailable(recreate)));
        var tooMany = Deployment(2, "RollingUpdate", maxUnavailable: "5");
        Assert.Equal(2, RolloutArithmetic.MaxUnavailable(tooMany)); // capped at spec.replicas
    }

    [Theory]
    [InlineData(4, 1, 4, 0, 1)]   // 4 old + surge 1 → the new ReplicaSet may start with 1
    [InlineData(4, 1, 5, 1, 1)]   // already at replicas+surge → no growth
    [InlineData(4, 1, 3, 1, 3)]   // old ones shrank to 2: two below the ceiling of 5 → grow by two
    [InlineData(10, 3, 10, 0, 3)]
    [InlineData(3, 0, 3, 0, 0)]   // maxSurge 0: the new one waits for old ones to shrink
    [InlineData(3, 0, 2, 0, 1)]
    [InlineData(4, 1, 1, 0, 4)]   // never past spec.replicas
    public void New_replica_set_grows_up_to_replicas_plus_surge(int replicas, int surge, int allReplicas, int newReplicas, int expected)
    {
        Assert.Equal(expected, RolloutArithmetic.NewReplicaSetReplicas(replicas, true, surge, allReplicas, newReplicas));
    }

    [Theory]
    [InlineData(5, 4, 1, 1, 0, 1)]   // 5 pods, 3 must stay available, the new pod is not available yet → 1 old may go
    [InlineData(5, 4, 1, 1, 1, 2)]   // new pod available → 2 may go
    [InlineData(3, 3, 1, 0, 0, 1)]   // maxSurge 0 / maxUnavailable 1: remove one old first
    [InlineData(4, 4, 0, 1, 0, -1)]  // a bad image: the new pod never becomes available, nothing more may go
    public void Old_replicas_scale_down_only_within_max_unavailable(int all, int replicas, int maxUnavailable, int newReplicas, int newAvailable, int expected)
    {
        Assert.Equal(expected, RolloutArithmetic.MaxScaledDown(all, replicas, maxUnavailable, newReplicas, newAvailable));
    }

    [Fact]
    public void Proportional_scaling_shares_a_replica_change_by_size()
    {
        // Mid-rollout 10 replicas (surge 3): old has 8, new has 5 (max-replicas annotation 13). Scale to 20 (surge 5 → 25 allowed): +12.
        var oldFraction = RolloutArithmetic.ReplicaSetFraction(8, 20, 5, 13, 13);
        var newFraction = RolloutArithmetic.ReplicaSetFraction(5, 20, 5, 13, 13);
        Assert.Equal(7, oldFraction);   // 8·25/13 = 15.38 → 15
        Assert.Equal(5, newFraction);   // 5·25/13 = 9.6 → 10
        var added = RolloutArithmetic.Proportion(8, oldFraction, 12, 0);
        Assert.Equal(7, added);
        Assert.Equal(5, RolloutArithmetic.Proportion(5, newFraction, 12, added));
        Assert.Equal(-3, RolloutArithmetic.ReplicaSetFraction(3, 0, 0, 5, 5)); // scaling to 0 removes everything
    }

    [Fact]
    public void Pod_template_hash_is_deterministic_uses_the_safe_alphabet_and_changes_with_template_or_collision_count()
    {
        var t1 = Template("nginx:1.27.0");
        var h1 = RolloutRevisions.PodTemplateHash(t1, null);
        Assert.Equal(h1, RolloutRevisions.PodTemplateHash(Template("nginx:1.27.0"), null));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", h1);
        Assert.NotEqual(h1, RolloutRevisions.PodTemplateHash(Template("nginx:1.27.1"), null));
        Assert.NotEqual(h1, RolloutRevisions.PodTemplateHash(t1, 1));
        Assert.Equal("456", RolloutRevisions.SafeEncode("012")); // each digit's code (48, 49, 50) modulo 27 picks a letter: 21, 22, 23
    }

    [Fact]
    public void Templates_are_equal_when_they_differ_only_in_pod_template_hash()
    {
        var a = Template("nginx:1.27.0");
        var b = Template("nginx:1.27.0");
        b.Metadata.Labels["pod-template-hash"] = "abc";
        Assert.True(RolloutRevisions.EqualIgnoreHash(a, b));
        Assert.False(RolloutRevisions.EqualIgnoreHash(a, Template("nginx:1.27.1")));
    }

    [Fact]
    public void A_reused_template_gets_the_next_revision_and_keeps_its_old_number_in_revision_history()
    {
        var d = Deployment(3, "RollingUpdate");
        d.Metadata.Annotations = new Dictionary<string, string>
        {
            ["kubernetes.io/change-cause"] = "back to 1.27.0",
            ["deployment.kubernetes.io/revision"] = "3",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
        };
        var rs = new V1ReplicaSet { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = "1" } } };
        Assert.True(RolloutRevisions.SetNewReplicaSetAnnotations(d, rs, 4, exists: true, maxSurge: 1));
        Assert.Equal("4", rs.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("1", rs.Metadata.Annotations["deployment.kubernetes.io/revision-history"]);
        Assert.Equal("back to 1.27.0", rs.Metadata.Annotations["kubernetes.io/change-cause"]);
        Assert.False(rs.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
        Assert.False(rs.Metadata.Annotations.ContainsKey("deployment.kubernetes.io/desired-replicas")); // only set on creation
        rs.Metadata.Annotations["deployment.kubernetes.io/revision"] = "4";
        Assert.True(RolloutRevisions.SetNewReplicaSetAnnotations(d, rs, 6, exists: true, maxSurge: 1));
        Assert.Equal("1,4", rs.Metadata.Annotations["deployment.kubernetes.io/revision-history"]);
        Assert.False(RolloutRevisions.SetNewReplicaSetAnnotations(d, rs, 6, exists: true, maxSurge: 1));

        var created = new V1ReplicaSet { Metadata = new V1ObjectMeta() };
        RolloutRevisions.SetNewReplicaSetAnnotations(d, created, 1, exists: false, maxSurge: 1);
        Assert.Equal(("1", "3", "4"), (created.Metadata.Annotations["deployment.kubernetes.io/revision"],
            created.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"], created.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]));
    }

    private static V1PodTemplateSpec Template(string image) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] },
    };

    private static V1Deployment Deployment(int replicas, string strategy, string? maxUnavailable = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy
            {
                Type = strategy,
                RollingUpdate = strategy == "RollingUpdate" && maxUnavailable is not null ? new V1RollingUpdateDeployment { MaxUnavailable = maxUnavailable } : null,
            },
            Template = Template("nginx:1.27.0"),
        },
    };
}
