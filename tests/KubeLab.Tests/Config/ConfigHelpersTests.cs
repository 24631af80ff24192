using KubeLab.Simulator;

namespace KubeLab.Tests.Config;

/// <summary>A simulator with the course's EncryptionConfiguration on a 30× clock, reached through a kubeconfig like any cluster.</summary>
public sealed class EncryptedSimulatorFixture : IAsyncLifetime
{
    public SimulatedCluster Cluster { get; private set; } = null!;
    public string KubeconfigPath { get; } = Path.Combine(Path.GetTempPath(), "kubelab-tests", Guid.NewGuid().ToString("N"), "config");

    public LabOptions Options => new() { Kubeconfig = KubeconfigPath, Context = SimulatedCluster.ContextName };

    public async Task InitializeAsync()
    {
        var config = SimulatorOptions.FindCourseEncryptionConfiguration() ?? throw new FileNotFoundException("environment/encryption/encryption-config.yaml");
        Cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { ClockSpeed = 30, EncryptionConfigurationPath = config });
        Cluster.WriteKubeconfig(KubeconfigPath);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Reading files and variables inside a pod, watching a ConfigMap change reach its consumers, and etcd's stored bytes.</summary>
public sealed class ConfigHelpersTests(EncryptedSimulatorFixture sim) : IClassFixture<EncryptedSimulatorFixture>
{
    private const string Consumers = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
        data:
          color: red
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: reader
        spec:
          containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
            env:
            - name: COLOR
              valueFrom:
                configMapKeyRef: {name: app, key: color}
            volumeMounts:
            - {name: config, mountPath: /config}
            - {name: config, mountPath: /pinned/color, subPath: color}
          volumes:
          - name: config
            configMap: {name: app}
        """;

    [Fact]
    public async Task ReadFile_and_ReadEnv_see_what_the_container_sees_and_a_missing_file_names_pod_and_path()
    {
        await using var lab = await Lab.StartAsync("cfg-read", sim.Options);
        await lab.ApplyAsync(Consumers);
        await lab.WaitForPodRunningAsync("reader");
        Assert.Equal("red", await lab.ReadFileAsync("reader", "/config/color"));
        Assert.Equal("red", await lab.ReadEnvAsync("reader", "COLOR"));
        Assert.Null(await lab.ReadEnvAsync("reader", "NOT_SET"));
        var e = await Assert.ThrowsAsync<PodAccessException>(() => lab.ReadFileAsync("reader", "/config/size"));
        Assert.Contains("reader", e.Message);
        Assert.Contains("/config/size", e.Message);
    }

    [Fact]
    public async Task A_configmap_change_reaches_the_mounted_file_but_not_the_env_var_or_the_subPath_file()
    {
        await using var lab = await Lab.StartAsync("cfg-watch", sim.Options);
        await lab.ApplyAsync(Consumers);
        await lab.WaitForPodRunningAsync("reader");
        var since = await lab.Clock.NowAsync();
        await lab.ApplyAsync(Consumers.Replace("color: red", "color: blue"));
        var timeline = await lab.WatchConsumersAsync(
            [ConfigConsumer.File("reader", "/config/color", label: "file"), ConfigConsumer.Env("reader", "COLOR", label: "env"),
             ConfigConsumer.File("reader", "/pinned/color", label: "subPath")],
            "blue", TimeSpan.FromSeconds(150), TimeSpan.FromSeconds(5), since);

        Assert.True(timeline["file"].Saw, timeline.ToString());
        // The kubelet's pod sync (every 60 s + up to 30 s jitter here) swaps the file: no sample after 95 s may still be red. (Bounding
        // SeenAfter instead depends on how fast the polling execs come back on a busy machine.)
        Assert.All(timeline["file"].Samples.Where(x => x.Seconds > 95), x => Assert.Equal("blue", x.Value));
        Assert.False(timeline["env"].Saw);
        Assert.Equal("red", timeline["env"].LastValue);
        Assert.False(timeline["subPath"].Saw);
        Assert.Equal("red", timeline["subPath"].LastValue);
        Assert.Contains("never (within 150 s)", timeline.ToString());
        Assert.Equal(2, timeline.ToGantt().TraceCount); // "old value" and "new value"
    }

    [Fact]
    public async Task StoredObject_shows_an_encrypted_secret_and_a_plain_configmap()
    {
        await using var lab = await Lab.StartAsync("cfg-etcd", sim.Options);
        await lab.ApplyAsync("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
            stringData:
              password: s3cr3t
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
            data:
              color: blue
            """);
        var secret = await lab.StoredObjectAsync("secrets", "db");
        Assert.NotNull(secret);
        Assert.Equal($"/registry/secrets/{lab.Namespace}/db", secret.Key);
        Assert.Equal("k8s:enc:aescbc:v1:key1", secret.Prefix);
        Assert.True(secret.IsEncrypted);
        Assert.False(secret.ContainsText("s3cr3t"));
        var cm = await lab.StoredObjectAsync("configmaps", "app");
        Assert.Equal("k8s", cm!.Prefix);
        Assert.True(cm.ContainsText("blue"));
        Assert.StartsWith("00000000  6b 38 73 00", cm.HexDump());
        Assert.Null(await lab.StoredObjectAsync("secrets", "none"));
    }
}
