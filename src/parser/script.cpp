#include "parser/script.h"

#include "parser/ast_clone.h"
#include "parser/function_inline.h"
#include "parser/macro_expand.h"
#include "parser/parse.h"
#include "parser/preamble.h"
#include "parser/preprocess.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace bpfscope {

namespace {

namespace fs = std::filesystem;

// One file's worth of front end: its probes and macros, its config block (only the script's
// own is allowed) and the files it imports.
class Loader {
public:
  Loader(Diagnostics &diags, Script &out) : diags_(diags), out_(out) {}

  // `file` is the Diagnostics index of `text` (0 for the script itself).
  bool load(const std::string &name, const fs::path &dir, const std::string &text, int file,
            std::vector<std::unique_ptr<ast::Probe>> &probes) {
    Diagnostics local(name, text);
    Diagnostics &d = file == 0 ? diags_ : local;
    bool ok = load_into(dir, text, file, probes, d);
    if (file != 0)
      diags_.append_from(local, file);
    return ok;
  }

  std::vector<MacroDef> macros;
  std::vector<FunctionDef> functions; // `fn name(...): type { ... }`, every file's
  std::vector<std::unique_ptr<ast::MapDecl>> map_decls; // `let @m = hash(N);`, every file's
  std::vector<std::string> names; // of every file, index = Diagnostics file index
  // `struct X { ... }` and the like, from every file (script_types.h lays them out).
  std::vector<std::unique_ptr<ast::CDefinition>> c_definitions;

private:
  bool load_into(const fs::path &dir, const std::string &text, int file,
                 std::vector<std::unique_ptr<ast::Probe>> &probes, Diagnostics &d) {
    Preprocessed pre;
    if (!preprocess(text, pre, d))
      return false;
    for (auto &n : pre.notes)
      out_.notes.push_back(names[file] + ": " + n);
    Preamble preamble;
    if (!read_preamble(pre.text, preamble, d))
      return false;
    if (file == 0) {
      if (!apply_config(preamble))
        return false;
    } else if (preamble.has_config) {
      d.error(preamble.config_range, "invalid `config` within import",
              "only the script itself may have a config block");
      return false;
    }
    auto program = parse_program(preamble.text, d);
    if (!program)
      return false;
    // Substitutions changed some columns: point every node back at what the user wrote.
    if (!pre.shifts.empty())
      for (auto &p : program->probes)
        ast::for_each_range(*p, [&pre](SourceRange &r) { pre.map_to_source(r); });
    if (file != 0)
      for (auto &p : program->probes)
        ast::for_each_range(*p, [file](SourceRange &r) { r.file = file; });
    for (auto &def : program->c_definitions) {
      def->loc.file = file;
      c_definitions.push_back(std::move(def));
    }
    for (auto &d : program->map_decls) {
      if (file != 0)
        d->loc.file = d->type_loc.file = file;
      map_decls.push_back(std::move(d));
    }

    // Imports first: their probes come before the importer's, as bpftrace runs an imported
    // file's BEGIN first.
    for (const auto &imp : preamble.imports)
      if (!import(dir, imp, file, probes))
        return false;

    // The `macro { ... }` probes left by read_preamble, in order, are the macro bodies.
    LineIndex lines(preamble.text);
    size_t next_macro = 0, next_function = 0;
    for (auto &p : program->probes) {
      bool is_function = p->attach_points.size() == 1 && p->attach_points[0]->raw == "fn" &&
                         !p->predicate && next_function < preamble.functions.size();
      if (is_function) {
        auto sig = std::make_shared<ast::FunctionSignature>(preamble.functions[next_function++]);
        if (file != 0) {
          sig->name_range.file = sig->return_range.file = file;
          for (auto &param : sig->params)
            param.range.file = param.type_range.file = file;
        }
        for (const auto &other : functions)
          if (other.sig->name == sig->name) {
            diags_.error(sig->name_range, "Function '" + sig->name + "' is defined twice",
                         "it is also defined at " + where(other.sig->name_range));
            return false;
          }
        functions.push_back({std::move(sig), std::move(p->body)});
        continue;
      }
      bool is_macro = p->attach_points.size() == 1 && p->attach_points[0]->raw == "macro" &&
                      !p->predicate && next_macro < preamble.macros.size();
      if (!is_macro) {
        probes.push_back(std::move(p));
        continue;
      }
      MacroDef def;
      def.header = preamble.macros[next_macro++];
      if (file != 0) {
        def.header.name_range.file = file;
        for (auto &param : def.header.params)
          param.range.file = file;
      }
      def.body = std::move(p->body);
      def.has_value = ends_with_value(*def.body, preamble.text, lines);
      for (const auto &other : macros)
        if (other.header.name == def.header.name) {
          diags_.error(def.header.name_range, "macro '" + def.header.name + "' is defined twice",
                       "it is also defined at " + where(other.header.name_range));
          return false;
        }
      macros.push_back(std::move(def));
    }
    return true;
  }

  // Whether the last statement of a macro body is an expression with no `;` after it.
  static bool ends_with_value(const ast::Block &body, const std::string &text,
                              const LineIndex &lines) {
    if (body.stmts.empty() || body.stmts.back()->kind != ast::StmtKind::Expr)
      return false;
    const SourceRange &r = body.stmts.back()->loc;
    size_t i = lines.offset(r.end_line, r.end_col);
    for (;;) {
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        i++;
      if (text.compare(i, 2, "//") == 0) {
        i = text.find('\n', i);
        if (i == std::string::npos)
          return false;
      } else if (text.compare(i, 2, "/*") == 0) {
        i = text.find("*/", i);
        if (i == std::string::npos)
          return false;
        i += 2;
      } else {
        break;
      }
    }
    return i < text.size() && text[i] == '}';
  }

  bool apply_config(const Preamble &preamble) {
    bool ok = true;
    for (const auto &a : preamble.config) {
      std::string error;
      bool bad_key = false;
      std::string warning;
      if (!set_config(out_.config, a.key, a.value, error, bad_key, &warning)) {
        diags_.error(bad_key ? a.key_range : a.value_range, error);
        ok = false;
      } else if (!warning.empty()) {
        diags_.warning(a.value_range, warning);
      }
    }
    return ok;
  }

  bool import(const fs::path &dir, const ImportDecl &imp, int from_file,
              std::vector<std::unique_ptr<ast::Probe>> &probes) {
    Diagnostics &d = diags_;
    SourceRange at = imp.range;
    at.file = from_file;
    fs::path path = fs::path(imp.path).is_absolute() ? fs::path(imp.path) : dir / imp.path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      d.error(at, "Unable to find suitable path for import", "checked: " + path.string());
      return false;
    }
    // As bpftrace: code anyone may write is not run as root.
    if (world_writable(path) || world_writable(path.parent_path())) {
      d.error(at, "cowardly refusing to import from a directory with global write permissions: " +
                      path.string());
      return false;
    }
    if (fs::is_directory(path, ec)) {
      // A directory: every .bt file in it, in name order.
      std::vector<fs::path> files;
      for (const auto &entry : fs::directory_iterator(path, ec))
        if (entry.path().extension() == ".bt" && !fs::is_directory(entry.path(), ec))
          files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto &f : files)
        if (!import_file(f, at, probes))
          return false;
      return true;
    }
    if (path.extension() != ".bt") {
      d.error(at, "unknown import type: " + path.filename().string(),
              "bpfscope imports bpftrace scripts (.bt files) and directories of them");
      return false;
    }
    return import_file(path, at, probes);
  }

  static bool world_writable(const fs::path &p) {
    std::error_code ec;
    auto st = fs::status(p.empty() ? fs::path(".") : p, ec);
    return !ec && (st.permissions() & fs::perms::others_write) != fs::perms::none;
  }

  bool import_file(const fs::path &path, const SourceRange &at,
                   std::vector<std::unique_ptr<ast::Probe>> &probes) {
    Diagnostics &d = diags_;
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    std::string key = canonical.string();
    for (size_t i = 0; i < active_.size(); i++)
      if (active_[i] == key) {
        std::string chain;
        for (size_t j = i; j < active_.size(); j++)
          chain += fs::path(active_[j]).filename().string() + " -> ";
        d.error(at, "import cycle: " + chain + canonical.filename().string());
        return false;
      }
    if (done_.count(key))
      return true; // imported already, through another file
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in) {
      d.error(at, "error reading import '" + path.string() + "'");
      return false;
    }
    std::string text = buf.str();
    int file = diags_.add_source(path.string(), text);
    names.push_back(path.string());
    out_.imported_text += "import " + key + "\n" + text + "\n";
    active_.push_back(key);
    bool ok = load(path.string(), canonical.parent_path(), text, file, probes);
    active_.pop_back();
    done_.insert(key);
    return ok;
  }

public:
  std::string where(const SourceRange &r) const {
    const std::string &name =
        r.file >= 0 && r.file < static_cast<int>(names.size()) ? names[r.file] : names[0];
    return name + ":" + std::to_string(r.begin_line) + ":" + std::to_string(r.begin_col);
  }
  std::vector<std::string> active_;

private:
  std::set<std::string> done_;
  Diagnostics &diags_;
  Script &out_;
};

} // namespace

bool load_script(const std::string &text, const ScriptInput &input, Script &out,
                 Diagnostics &diags) {
  out = Script{};
  Loader loader(diags, out);
  loader.names.push_back(input.filename);
  fs::path dir =
      input.filename == "stdin" ? fs::current_path() : fs::absolute(input.filename).parent_path();
  if (input.filename != "stdin") {
    std::error_code ec;
    loader.active_.push_back(fs::weakly_canonical(input.filename, ec).string());
  }
  std::vector<std::unique_ptr<ast::Probe>> probes;
  if (!loader.load(input.filename, dir, text, 0, probes))
    return false;
  if (input.apply_env) {
    std::string error;
    if (!apply_config_env(out.config, error)) {
      diags.error(SourceRange{}, error);
      return false;
    }
  }
  for (auto &w : out.config.env_warnings)
    out.warnings.push_back(w);
  for (auto &w : config_not_honoured(out.config))
    out.warnings.push_back(w);

  out.program = std::make_unique<ast::Program>();
  out.program->probes = std::move(probes);
  out.program->c_definitions = std::move(loader.c_definitions);
  out.program->map_decls = std::move(loader.map_decls);
  if (out.program->probes.empty()) {
    diags.error(SourceRange{}, "the script has no probes");
    return false;
  }
  auto where = [&loader](const SourceRange &r) { return loader.where(r); };
  if (!expand_macros(*out.program, loader.macros, where, diags))
    return false;
  // After macros (a macro body may call a function), before getopt() (a function body may use
  // it: each copy is then replaced).
  if (!inline_functions(*out.program, loader.functions, where, diags))
    return false;
  // After expansion, so that a getopt() in a macro body is replaced too.
  if (!substitute_getopt(*out.program, input.named_args, diags))
    return false;
  return !diags.has_errors();
}

} // namespace bpfscope
