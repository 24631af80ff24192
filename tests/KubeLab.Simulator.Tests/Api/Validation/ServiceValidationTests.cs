namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>ValidateService (pkg/apis/core/validation, 1.32) as kubectl prints it: 422 Invalid with field paths and wording.</summary>
public sealed class ServiceValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<string> Refused(string spec, string name = "bad")
    {
        var ns = "default";
        var yaml = $"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{spec}";
        var r = await f.KubectlWithInputAsync(yaml, "create", "-n", ns, "-f", "-");
        Assert.True(r.ExitCode != 0, "accepted: " + spec);
        return r.Stderr.Trim();
    }

    [Fact]
    public async Task Type_must_be_one_of_the_four()
    {
        var e = await Refused("  type: Internal\n  ports:\n  - port: 80\n");
        Assert.Contains("spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", e);
    }

    [Fact]
    public async Task Ports_are_required_and_need_unique_dns_label_names_when_there_are_several()
    {
        Assert.Contains("spec.ports: Required value", await Refused("  selector:\n    app: web\n"));
        var e = await Refused("  ports:\n  - port: 80\n  - port: 443\n");
        Assert.Contains("spec.ports[0].name: Required value", e);
        Assert.Contains("spec.ports[1].name: Required value", e);
        Assert.Contains("spec.ports[1].name: Duplicate value: \"web\"", await Refused("  ports:\n  - name: web\n    port: 80\n  - name: web\n    port: 81\n"));
        Assert.Contains("spec.ports[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of", await Refused("  ports:\n  - name: Web_1\n    port: 80\n"));
    }

    [Fact]
    public async Task Port_numbers_protocols_and_target_ports_are_checked()
    {
        Assert.Contains("spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", await Refused("  ports:\n  - port: 70000\n"));
        Assert.Contains("spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", await Refused("  ports:\n  - port: 80\n    protocol: HTTP\n"));
        Assert.Contains("spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive", await Refused("  ports:\n  - port: 80\n    targetPort: 0\n"));
        var named = await Refused("  ports:\n  - port: 80\n    targetPort: http--web\n");
        Assert.Contains("spec.ports[0].targetPort: Invalid value: \"http--web\": must not contain consecutive hyphens", named);
        Assert.Contains("must be no more than 15 characters", await Refused("  ports:\n  - port: 80\n    targetPort: a-very-long-port-name\n"));
        Assert.Contains("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'", await Refused("  ports:\n  - port: 80\n    nodePort: 30007\n"));
    }

    [Fact]
    public async Task External_name_needs_a_lowercase_dns_name()
    {
        Assert.Contains("spec.externalName: Required value", await Refused("  type: ExternalName\n"));
        Assert.Contains("spec.externalName: Invalid value: \"DB.Example.com\": a lowercase RFC 1123 subdomain must consist of", await Refused("  type: ExternalName\n  externalName: DB.Example.com\n"));
    }

    [Fact]
    public async Task Session_affinity_values_and_timeout_range()
    {
        Assert.Contains("spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: \"ClientIP\", \"None\"", await Refused("  sessionAffinity: Cookie\n  ports:\n  - port: 80\n"));
        Assert.Contains("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400",
            await Refused("  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 90000\n  ports:\n  - port: 80\n"));
    }

    [Fact]
    public async Task External_ips_and_selector_labels_are_checked()
    {
        Assert.Contains("spec.externalIPs[0]: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)", await Refused("  externalIPs: [\"1.2.3\"]\n  ports:\n  - port: 80\n"));
        Assert.Contains("spec.selector: Invalid value: \"bad value!\"", await Refused("  selector:\n    app: \"bad value!\"\n  ports:\n  - port: 80\n"));
    }
}
