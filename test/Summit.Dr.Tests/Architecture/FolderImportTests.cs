using System.Reflection;
using Summit.Dr.Tool;

namespace Summit.Dr.Tests.Architecture;

/// <summary>
/// The rooms import in one direction: no two folders (namespaces) of the core or the tool depend on each other, however
/// indirectly, so a newcomer can read the floors from the vocabulary up. C# allows circles; this test does not. The
/// composition roots (SummitDrServices, the tool's Program and host) stand above everything and are left out.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class FolderImportTests
{
    [TestCase(typeof(SummitDrServices))]
    [TestCase(typeof(Program))]
    public void No_folder_depends_on_itself_through_another(Type anchor)
    {
        var graph = Graph(anchor.Assembly, out var examples);

        var circles = Circles(graph);

        var edges = circles.SelectMany(c => c.SelectMany(from => graph[from].Where(c.Contains).Select(to => $"  {from} -> {to}: " +
            $"{examples[(from, to)]}")));
        Assert.That(circles, Is.Empty, "folders that import each " +
            "other:\n" + string.Join("\n", circles.Select(c => string.Join(", ", c))) + "\nby:\n" + string.Join("\n", edges));
    }

    [Test]
    public void The_core_never_refers_to_the_tool()
    {
        var core = typeof(SummitDrServices).Assembly;

        Assert.That(core.GetReferencedAssemblies().Select(a => a.Name), Does.Not.Contain(typeof(Program).Assembly.GetName().Name));
    }

    /// <summary>Folder to the folders its types refer to, within one assembly.</summary>
    internal static Dictionary<string, HashSet<string>> Graph(Assembly assembly, out Dictionary<(string, string), string> examples)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        examples = [];
        foreach (var type in assembly.GetTypes().Where(t => !IsComposition(t)))
        {
            var from = Folder(type);
            var to = graph.TryGetValue(from, out var known) ? known : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var referenced in TypeReferences.Of(type).Where(r => r.Assembly == assembly && !IsComposition(r)))
            {
                var folder = Folder(referenced);
                if (folder != from && to.Add(folder))
                {
                    examples[(from, folder)] = $"{Outermost(type).Name} uses {Outermost(referenced).Name}";
                }
            }
        }

        return graph;
    }

    /// <summary>The strongly connected groups of more than one folder: each a circle, printed as the folders in it.</summary>
    internal static List<List<string>> Circles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var circles = new List<List<string>>();
        var counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w) && index.TryGetValue(w, out var reached))
                {
                    low[v] = Math.Min(low[v], reached);
                }
            }

            if (low[v] == index[v])
            {
                var group = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    group.Add(w);
                }
                while (w != v);
                if (group.Count > 1)
                {
                    group.Sort(StringComparer.Ordinal);
                    circles.Add(group);
                }
            }
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return circles;
    }

    private static string Folder(Type type) => Outermost(type).Namespace ?? "(global)";

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static bool IsComposition(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Name is "SummitDrServices" or "Program" or "<Module>" || type.Namespace is null
            || type.Name.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal);
    }
}
