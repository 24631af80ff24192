using KubeLab.Manifests;

namespace KubeLab.Tests;

public class ManifestParserTests
{
    [Fact]
    public void Trailing_separator_and_empty_documents_are_ignored()
    {
        // kubectl ignores empty documents; KubernetesYaml.LoadAllFromString throws on them, which is why we parse ourselves.
        var docs = ManifestParser.Parse("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n", "test.yaml");
        Assert.Equal(["Pod", "ConfigMap"], docs.Select(d => d.Kind));
        Assert.Equal(["a", "b"], docs.Select(d => d.Name));
        Assert.Equal(2, docs[0].Line);
        Assert.Equal(8, docs[1].Line);
        Assert.Equal(3, docs[1].Index); // document 2 is the empty one between the two --- lines
    }

    [Fact]
    public void Plain_scalars_get_yaml_types_and_quoted_scalars_stay_strings()
    {
        var doc = ManifestParser.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: \"80\"\nspec:\n  replicas: 3\n  paused: false\n  ratio: 0.5\n  empty: ~\n  name: web\n", "x")[0];
        Assert.Equal("{\"port\":\"80\"}", doc.Body["data"]!.ToJsonString());
        Assert.Equal("{\"replicas\":3,\"paused\":false,\"ratio\":0.5,\"empty\":null,\"name\":\"web\"}", doc.Body["spec"]!.ToJsonString());
        Assert.Equal(("", "v1"), doc.GroupVersion());
    }

    [Fact]
    public void A_leading_zero_makes_an_integer_octal_as_kubectl_reads_yaml()
    {
        var doc = ManifestParser.Parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  a: 0400\n  b: 0644\n  c: 0\n  d: \"0400\"\n  e: 10\n", "x")[0];
        Assert.Equal("{\"a\":256,\"b\":420,\"c\":0,\"d\":\"0400\",\"e\":10}", doc.Body["spec"]!.ToJsonString());
    }

    [Fact]
    public void Group_and_version_are_split_from_apiVersion()
    {
        var doc = ManifestParser.Parse("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: r\n", "x")[0];
        Assert.Equal(("apps", "v1"), doc.GroupVersion());
    }

    [Fact]
    public void Syntax_error_reports_file_line_column_and_an_indentation_hint()
    {
        var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   labels: x\n";
        var e = Assert.Throws<ManifestException>(() => ManifestParser.Parse(yaml, "manifests/01/pod.yaml"));
        Assert.Equal("manifests/01/pod.yaml", e.ManifestSource);
        Assert.Equal(5, e.Line);
        Assert.NotNull(e.Column);
        Assert.Contains("YAML syntax error", e.Message);
        Assert.Contains("line 5", e.Message);
        Assert.Contains("indent", e.Hint);
        Assert.DoesNotContain("(Line:", e.Message); // the parser's position prefix is replaced by ours
    }

    [Fact]
    public void Tab_indentation_gets_a_tab_hint()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestParser.Parse("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n", "tabs.yaml"));
        Assert.Contains("tab", e.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void A_list_instead_of_an_object_is_rejected_with_the_document_number()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestParser.Parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n- a\n- b\n", "list.yaml"));
        Assert.Equal(2, e.Document);
        Assert.Equal(6, e.Line);
        Assert.Contains("found a list", e.Message);
    }
}
