namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>ConfigMaps reaching a real container: envFrom, a configMap volume, and a missing key.</summary>
public sealed class ConfigEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    [Fact]
    public async Task EnvFrom_and_configmap_volume_are_visible_inside_the_container()
    {
        var ns = await f.NewNamespaceAsync("cfg-env");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              KEY: from-configmap
              key: file-content
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              containers:
              - name: main
                image: busybox:1.36
                command: ["sleep", "3600"]
                envFrom:
                - configMapRef:
                    name: settings
                volumeMounts:
                - name: config
                  mountPath: /etc/config
              volumes:
              - name: config
                configMap:
                  name: settings
            """);
        await f.WaitForRunningAsync(ns, "app");

        var env = await f.ExecAsync(null, "exec", "app", "-n", ns, "--", "printenv", "KEY");
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Equal("from-configmap\n", env.Stdout);

        var file = await f.ExecAsync(null, "exec", "app", "-n", ns, "--", "cat", "/etc/config/key");
        Assert.True(file.ExitCode == 0, file.ToString());
        Assert.Equal("file-content", file.Stdout); // the value as stored: no newline added

        var listing = await f.ExecAsync(null, "exec", "app", "-n", ns, "--", "ls", "/etc/config");
        Assert.Equal(["KEY", "key"], listing.Lines);

        var absent = await f.ExecAsync(null, "exec", "app", "-n", ns, "--", "printenv", "NOPE");
        Assert.Equal(1, absent.ExitCode);
        Assert.Equal("", absent.Stdout);
    }

    [Fact]
    public async Task Missing_configmap_key_keeps_the_container_waiting()
    {
        var ns = await f.NewNamespaceAsync("cfg-missing");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              present: "yes"
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              containers:
              - name: main
                image: busybox:1.36
                command: ["sleep", "3600"]
                env:
                - name: MISSING
                  valueFrom:
                    configMapKeyRef:
                      name: settings
                      key: absent
            """);
        var pod = await f.WaitForPodAsync(ns, "app",
            p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "CreateContainerConfigError", "CreateContainerConfigError");
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Equal($"couldn't find key absent in ConfigMap {ns}/settings", pod.Status.ContainerStatuses[0].State.Waiting.Message);

        await EndToEndCluster.EventuallyAsync(
            async () => (await f.EventsAsync(ns, "app")).Contains($"Failed: Error: couldn't find key absent in ConfigMap {ns}/settings"),
            () => "no Failed event");

        var logs = await f.KubectlAsync("logs", "app", "-n", ns);
        Assert.Equal(1, logs.ExitCode);
        Assert.Equal("Error from server (BadRequest): container \"main\" in pod \"app\" is waiting to start: CreateContainerConfigError", logs.Stderr.Trim());

        var get = await f.KubectlOkAsync("get", "pod", "app", "-n", ns, "--no-headers");
        Assert.Matches(@"^app\s+0/1\s+CreateContainerConfigError\s+0\s+", get.Stdout);
    }

    [Fact]
    public async Task Unquoted_yaml_booleans_in_configmap_data_are_refused_by_the_api_server()
    {
        var ns = await f.NewNamespaceAsync("cfg-bool");
        // YAML 1.1 reads yes as true; the API server cannot decode a bool into the map of strings.
        var r = await f.KubectlWithInputAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: flags
            data:
              enabled: yes
            """, "apply", "-n", ns, "-f", "-");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: " +
            "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string", r.Stderr.Trim());

        var pod = await f.KubectlWithInputAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: sleeper
            spec:
              containers:
              - name: main
                image: busybox:1.36
                command: ["sleep", 3600]
            """, "apply", "-n", ns, "-f", "-");
        Assert.Equal(1, pod.ExitCode);
        Assert.EndsWith("Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.command of type string",
            pod.Stderr.Trim());
    }
}
