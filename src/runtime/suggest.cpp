#include "runtime/suggest.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <tuple>

namespace bpfscope {

namespace {

inline unsigned char lower(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') ? static_cast<unsigned char>(u - 'A' + 'a') : u;
}

// Reusable rows for the dynamic programme, so scoring a candidate does not allocate.
struct Scratch {
  std::vector<int> prev2, prev, cur;
};

// Case-insensitive optimal string alignment distance, or limit + 1 if it exceeds `limit`.
int osa_bounded(std::string_view a, std::string_view b, int limit, Scratch &s) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit)
    return limit + 1;
  if (n == 0 || m == 0)
    return std::min(std::max(n, m), limit + 1);
  s.prev2.assign(m + 1, 0);
  s.prev.resize(m + 1);
  s.cur.resize(m + 1);
  for (int j = 0; j <= m; j++)
    s.prev[j] = j;
  for (int i = 1; i <= n; i++) {
    s.cur[0] = i;
    int row_min = i;
    unsigned char ai = lower(a[i - 1]);
    for (int j = 1; j <= m; j++) {
      unsigned char bj = lower(b[j - 1]);
      int cost = ai == bj ? 0 : 1;
      int v = std::min({s.prev[j] + 1, s.cur[j - 1] + 1, s.prev[j - 1] + cost});
      if (i > 1 && j > 1 && ai == lower(b[j - 2]) && lower(a[i - 2]) == bj)
        v = std::min(v, s.prev2[j - 2] + 1);
      s.cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit)
      return limit + 1;
    std::swap(s.prev2, s.prev);
    std::swap(s.prev, s.cur);
  }
  return std::min(s.prev[m], limit + 1);
}

int threshold_for(size_t len) {
  // 1..6 chars -> 1, 7..11 -> 2, 12..16 -> 3, 17+ -> 4.
  int t = static_cast<int>((len + 3) / 5);
  return std::clamp(t, 1, 4);
}

bool equal_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); i++)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

} // namespace

int edit_distance(const std::string &a, const std::string &b, int limit) {
  Scratch s;
  return osa_bounded(a, b, limit, s);
}

std::vector<std::string> closest_names(const std::string &name,
                                       const std::vector<std::string> &candidates, size_t max) {
  if (max == 0 || name.empty())
    return {};
  std::string_view q(name);
  size_t qcolon = q.rfind(':');
  bool q_has_cat = qcolon != std::string_view::npos;
  std::string_view q_cat = q_has_cat ? q.substr(0, qcolon) : std::string_view();
  std::string_view q_ev = q_has_cat ? q.substr(qcolon + 1) : q;
  int limit = threshold_for(q_ev.size());

  struct Hit {
    int score;
    bool other_category;
    size_t len_diff;
    const std::string *name;
  };
  std::vector<Hit> hits;
  Scratch scratch;
  for (const std::string &cand : candidates) {
    std::string_view c(cand);
    size_t ccolon = c.rfind(':');
    bool c_has_cat = ccolon != std::string_view::npos;
    std::string_view c_cat = c_has_cat ? c.substr(0, ccolon) : std::string_view();
    std::string_view c_ev = c_has_cat ? c.substr(ccolon + 1) : c;
    bool same_cat = q_has_cat && c_has_cat && equal_ci(q_cat, c_cat);

    int score = limit + 1;
    if (same_cat || q_has_cat == c_has_cat)
      score = osa_bounded(q, c, limit, scratch);
    if (!same_cat && score > 0 && (q_has_cat || c_has_cat)) {
      // Compare the event parts alone; a different or missing category costs 1.
      int ev = osa_bounded(q_ev, c_ev, limit - 1, scratch);
      score = std::min(score, ev + 1);
    }
    if (score > limit)
      continue;
    size_t len_diff = q.size() > c.size() ? q.size() - c.size() : c.size() - q.size();
    hits.push_back({score, !same_cat, len_diff, &cand});
  }
  auto key = [](const Hit &h) { return std::tie(h.score, h.other_category, h.len_diff, *h.name); };
  std::sort(hits.begin(), hits.end(), [&](const Hit &a, const Hit &b) { return key(a) < key(b); });
  std::vector<std::string> out;
  for (const Hit &h : hits) {
    if (out.size() >= max)
      break;
    if (std::find(out.begin(), out.end(), *h.name) == out.end())
      out.push_back(*h.name);
  }
  return out;
}

std::string did_you_mean(const std::vector<std::string> &suggestions) {
  if (suggestions.empty())
    return "";
  std::string s = "Did you mean " + suggestions[0];
  for (size_t i = 1; i < suggestions.size(); i++)
    s += (i + 1 == suggestions.size() ? " or " : ", ") + suggestions[i];
  return s + "?";
}

} // namespace bpfscope
