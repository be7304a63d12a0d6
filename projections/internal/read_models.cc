#include "projections/internal/read_models.h"

#include <boost/json.hpp>
#include <string>
#include <variant>

#include "core/non_insured.h"
#include "projections/feeds.h"
#include "projections/search_text.h"
#include "schemas/projections_sql.h"

namespace shugo::projections::internal {

namespace {

namespace json = boost::json;

std::string_view AffiliationName(core::Affiliation a) {
  switch (a) {
    case core::Affiliation::kNone:
      return "none";
    case core::Affiliation::kMedicalAssociation:
      return "medical_association";
    case core::Affiliation::kNoMembership:
      return "no_membership";
    case core::Affiliation::kOtherAggregator:
      return "other_aggregator";
    case core::Affiliation::kMunicipalSite:
      return "municipal_site";
    case core::Affiliation::kPrefecturalSite:
      return "prefectural_site";
  }
  return "none";
}

bool IsMunicipalKind(core::OrganisationKind kind) {
  return kind == core::OrganisationKind::kMunicipality ||
         kind == core::OrganisationKind::kWideAreaUnion;
}

template <typename T>
std::optional<int64_t> NonZero(T id) {
  return id ? std::optional<int64_t>(static_cast<int64_t>(id)) : std::nullopt;
}

// ---- organisations

class Organisations final : public Projection {
 public:
  std::string_view name() const override { return "organisations"; }
  std::string schema() const override { return std::string(schemas::k_organisations_sql); }
  std::vector<std::string> tables() const override {
    return {"organisations",       "organisation_codes", "organisation_successions",
            "organisation_search", "registrations",      "termination_requests"};
  }
  std::vector<std::string> dependents() const override {
    return {"organisation_trigrams"};  // a view of organisation_search's index, no rows of its own
  }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(upsert_, db.Prepare(R"(
INSERT OR REPLACE INTO organisations (id, kind, code, name, kana, address, prefecture, municipality,
  parent, member_of, affiliation, opening_date, abolition_date, abolished, union_id,
  union_join_date, union_leave_date, in_union, payment_consignment, payment_consignment_date,
  payment_consignment_cancel_date, merged_into, pending_code, search_text, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
  ?21, ?22, ?23, ?24, ?25))"));
    SHUGO_ASSIGN_OR_RETURN(delete_codes_,
                           db.Prepare("DELETE FROM organisation_codes WHERE org = ?1"));
    SHUGO_ASSIGN_OR_RETURN(
        insert_code_,
        db.Prepare(
            "INSERT OR REPLACE INTO organisation_codes (org, code, current) VALUES (?1, ?2, ?3)"));
    SHUGO_ASSIGN_OR_RETURN(delete_successions_,
                           db.Prepare("DELETE FROM organisation_successions WHERE successor = ?1"));
    SHUGO_ASSIGN_OR_RETURN(insert_succession_,
                           db.Prepare("INSERT OR REPLACE INTO organisation_successions "
                                      "(successor, predecessor) VALUES (?1, ?2)"));
    SHUGO_ASSIGN_OR_RETURN(delete_search_,
                           db.Prepare("DELETE FROM organisation_search WHERE rowid = ?1"));
    SHUGO_ASSIGN_OR_RETURN(
        insert_search_,
        db.Prepare("INSERT INTO organisation_search (rowid, text) VALUES (?1, ?2)"));
    SHUGO_ASSIGN_OR_RETURN(search_text_,
                           db.Prepare("SELECT text FROM organisation_search WHERE rowid = ?1"));
    SHUGO_ASSIGN_OR_RETURN(upsert_registration_, db.Prepare(R"(
INSERT OR REPLACE INTO registrations (id, issuer, approver, expires, status, name, kana, address,
  municipality, site_kind, org, reason, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))"));
    SHUGO_ASSIGN_OR_RETURN(upsert_termination_, db.Prepare(R"(
INSERT OR REPLACE INTO termination_requests (id, institution, requester, addressee, status,
  reason, date, contract_types, decision_reason, decision_date, letters, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const core::Organisation& o : batch.orgs) SHUGO_RETURN_IF_ERROR(WriteOrg(o));
    for (const core::TerminationRequest& r : batch.termination_requests) {
      SHUGO_RETURN_IF_ERROR(WriteTerminationRequest(r));
    }
    for (const core::NonInsuredRegistration& r : batch.registrations) {
      Statement& st = upsert_registration_;
      st.Bind(1, static_cast<int64_t>(r.id))
          .Bind(2, static_cast<int64_t>(r.issuer))
          .Bind(3, static_cast<int64_t>(r.approver))
          .Bind(4, r.expires)
          .Bind(5, core::CodeName(r.status));
      if (r.data) {
        st.Bind(6, r.data->name)
            .Bind(7, r.data->kana)
            .Bind(8, r.data->address)
            .Bind(9, NonZero(r.data->municipality))
            .Bind(10, r.data->site_kind);
      }
      st.Bind(11, NonZero(r.org)).Bind(12, r.reason).Bind(13, static_cast<int64_t>(r.version));
      SHUGO_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  }

 private:
  Status WriteOrg(const core::Organisation& o) {
    const auto id = static_cast<int64_t>(o.id);
    const std::string text = SearchText(o.name + " " + o.kana);
    Statement& st = upsert_;
    st.Bind(1, id)
        .Bind(2, core::CodeName(o.kind))
        .Bind(3, o.code)
        .Bind(4, o.name)
        .Bind(5, o.kana)
        .Bind(6, o.address)
        .Bind(7, int64_t{o.prefecture})
        .Bind(8, NonZero(o.municipality))
        .Bind(9, NonZero(o.parent))
        .Bind(10, NonZero(o.member_of))
        .Bind(11, AffiliationName(o.affiliation))
        .Bind(12, o.opening_date)
        .Bind(13, o.abolition_date)
        .Bind(14, int64_t{o.abolished})
        .Bind(15, NonZero(o.union_id))
        .Bind(16, o.union_join_date)
        .Bind(17, o.union_leave_date)
        .Bind(18, int64_t{o.in_union})
        .Bind(19, int64_t{o.payment_consignment})
        .Bind(20, o.payment_consignment_date)
        .Bind(21, o.payment_consignment_cancel_date)
        .Bind(22, NonZero(o.merged_into));
    if (o.pending_code_change) st.Bind(23, o.pending_code_change->new_code);
    st.Bind(24, text).Bind(25, static_cast<int64_t>(o.version));
    SHUGO_RETURN_IF_ERROR(st.Run());

    SHUGO_RETURN_IF_ERROR(delete_codes_.Bind(1, id).Run());
    for (const std::string& old : o.old_codes) {
      SHUGO_RETURN_IF_ERROR(insert_code_.Bind(1, id).Bind(2, old).Bind(3, int64_t{0}).Run());
    }
    SHUGO_RETURN_IF_ERROR(insert_code_.Bind(1, id).Bind(2, o.code).Bind(3, int64_t{1}).Run());
    if (IsMunicipalKind(o.kind)) {
      SHUGO_RETURN_IF_ERROR(delete_successions_.Bind(1, id).Run());
      for (core::OrgId p : o.predecessors) {
        SHUGO_RETURN_IF_ERROR(
            insert_succession_.Bind(1, id).Bind(2, static_cast<int64_t>(p)).Run());
      }
    }

    // The FTS row changes only when the name or kana does: most events touch neither.
    const std::string indexed = text + std::string(kSearchSentinel);
    search_text_.Bind(1, id);
    SHUGO_ASSIGN_OR_RETURN(bool found, search_text_.Step());
    const bool same = found && search_text_.Text(0) == indexed;
    search_text_.Reset();
    if (same) return Status::Ok();
    if (found) SHUGO_RETURN_IF_ERROR(delete_search_.Bind(1, id).Run());
    return insert_search_.Bind(1, id).Bind(2, indexed).Run();
  }

  // F-7 解除依頼: one row per request, as the state holds it after the batch.
  Status WriteTerminationRequest(const core::TerminationRequest& r) {
    const core::TerminationRequested& a = r.asked;
    std::string types, letters;
    for (core::ContractType t : a.contract_types) {
      types += (types.empty() ? "" : ",") + std::string(core::CodeName(t));
    }
    Statement& st = upsert_termination_;
    st.Bind(1, static_cast<int64_t>(a.id))
        .Bind(2, static_cast<int64_t>(a.institution))
        .Bind(3, static_cast<int64_t>(a.requester))
        .Bind(4, static_cast<int64_t>(a.addressee))
        .Bind(6, a.reason)
        .Bind(7, a.date)
        .Bind(8, types)
        .Bind(12, static_cast<int64_t>(r.version));
    if (!r.decision) return st.Bind(5, "open").Run();
    for (core::LetterId l : r.decision->letters) {
      letters += (letters.empty() ? "" : ",") + std::to_string(l);
    }
    st.Bind(5, core::CodeName(r.decision->outcome))
        .Bind(9, r.decision->reason)
        .Bind(10, r.decision->date);
    if (!letters.empty()) st.Bind(11, letters);
    return st.Run();
  }

  Statement upsert_, delete_codes_, insert_code_, delete_successions_, insert_succession_,
      delete_search_, insert_search_, search_text_, upsert_registration_, upsert_termination_;
};

// ---- letters

class Letters final : public Projection {
 public:
  bool Deferrable() const override { return true; }
  std::string_view name() const override { return "letters"; }
  std::string schema() const override { return std::string(schemas::k_letters_sql); }
  std::vector<std::string> tables() const override { return {"letters"}; }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(upsert_, db.Prepare(R"(
INSERT INTO letters (id, delegator, delegate, contract_type, campaign, status, depth, under, upper,
  contract_date, end_date, reason, applied_at, updated_at, delegator_kind, delegator_prefecture,
  delegator_municipality, delegate_kind, delegate_prefecture, version, delegator_code,
  delegator_name, delegate_code, delegate_name, revision, termination_date)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
  ?21, ?22, ?23, ?24, ?25, ?26)
ON CONFLICT (id) DO UPDATE SET delegator = excluded.delegator, delegate = excluded.delegate,
  delegator_code = excluded.delegator_code, delegator_name = excluded.delegator_name,
  delegate_code = excluded.delegate_code, delegate_name = excluded.delegate_name,
  status = excluded.status, under = excluded.under, upper = excluded.upper,
  contract_date = excluded.contract_date, end_date = excluded.end_date, reason = excluded.reason,
  termination_date = excluded.termination_date,
  applied_at = CASE WHEN excluded.applied_at > 0 THEN excluded.applied_at ELSE applied_at END,
  updated_at = CASE WHEN excluded.updated_at > 0 THEN excluded.updated_at ELSE updated_at END,
  delegator_kind = excluded.delegator_kind, delegator_prefecture = excluded.delegator_prefecture,
  delegator_municipality = excluded.delegator_municipality,
  delegate_kind = excluded.delegate_kind, delegate_prefecture = excluded.delegate_prefecture,
  version = excluded.version, revision = excluded.revision)"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const LetterRow& row : batch.letters) {
      const core::Letter& l = row.letter;
      Statement& st = upsert_;
      st.Bind(1, static_cast<int64_t>(l.id))
          .Bind(2, static_cast<int64_t>(l.delegator))
          .Bind(3, static_cast<int64_t>(l.delegate))
          .Bind(4, core::CodeName(l.contract_type))
          .Bind(5, NonZero(l.campaign))
          .Bind(6, core::CodeName(l.status))
          .Bind(7, int64_t{row.depth})
          .Bind(8, NonZero(l.under))
          .Bind(9, NonZero(l.upper))
          .Bind(10, l.contract_date)
          .Bind(11, l.date);
      if (!l.reason.empty()) st.Bind(12, l.reason);
      st.Bind(13, row.created_at)
          .Bind(14, row.updated_at)
          .Bind(15, core::CodeName(row.delegator_kind))
          .Bind(16, int64_t{row.delegator_prefecture})
          .Bind(17, NonZero(row.delegator_municipality))
          .Bind(18, core::CodeName(row.delegate_kind))
          .Bind(19, int64_t{row.delegate_prefecture})
          .Bind(20, static_cast<int64_t>(l.version))
          .Bind(21, row.delegator_code)
          .Bind(22, row.delegator_name)
          .Bind(23, row.delegate_code)
          .Bind(24, row.delegate_name)
          .Bind(25, static_cast<int64_t>(row.revision))
          .Bind(26, l.termination_date);
      SHUGO_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  }

 private:
  Statement upsert_;
};

// ---- fees (and campaigns)

class Fees final : public Projection {
 public:
  explicit Fees(std::shared_ptr<const core::VaccineCatalog> catalog)
      : catalog_(std::move(catalog)) {}
  std::string_view name() const override { return "fees"; }
  std::string schema() const override { return std::string(schemas::k_fees_sql); }
  std::vector<std::string> tables() const override {
    return {"municipal_vaccines", "setting_units", "institution_contracts", "institution_vaccines",
            "fee_floors",         "campaigns",     "campaign_fees",         "vaccines",
            "vaccine_diseases",   "diseases"};
  }
  Status Seed(Database& db) override {
    if (!catalog_) return Status::Ok();
    SHUGO_ASSIGN_OR_RETURN(
        Statement v,
        db.Prepare(
            "INSERT OR REPLACE INTO vaccines (id, vaccine_group, product_name, routine_status) "
            "VALUES (?1, ?2, ?3, ?4)"));
    SHUGO_ASSIGN_OR_RETURN(
        Statement vd,
        db.Prepare("INSERT OR REPLACE INTO vaccine_diseases (vaccine, disease) VALUES (?1, ?2)"));
    SHUGO_ASSIGN_OR_RETURN(
        Statement d, db.Prepare("INSERT OR REPLACE INTO diseases (id, name) VALUES (?1, ?2)"));
    for (const core::VaccineInfo& info : catalog_->vaccines()) {
      SHUGO_RETURN_IF_ERROR(v.Bind(1, info.id)
                                .Bind(2, info.group)
                                .Bind(3, info.product_name)
                                .Bind(4, info.routine_status)
                                .Run());
      for (const std::string& disease : info.diseases) {
        SHUGO_RETURN_IF_ERROR(vd.Bind(1, info.id).Bind(2, disease).Run());
      }
    }
    for (const auto& [id, name] : catalog_->diseases()) {
      SHUGO_RETURN_IF_ERROR(d.Bind(1, id).Bind(2, name).Run());
    }
    return Status::Ok();
  }
  Status Reseed(Database& db) override {
    SHUGO_RETURN_IF_ERROR(
        db.Exec("DELETE FROM vaccines; DELETE FROM vaccine_diseases; DELETE FROM diseases;"));
    return Seed(db);
  }
  std::string ReferenceFingerprint() const override {
    if (!catalog_) return {};
    std::string f;
    for (const core::VaccineInfo& info : catalog_->vaccines()) {
      f +=
          info.id + '\x1f' + info.group + '\x1f' + info.product_name + '\x1f' + info.routine_status;
      for (const std::string& d : info.diseases) f += '\x1f' + d;
      f += '\x1e';
    }
    for (const auto& [id, name] : catalog_->diseases()) f += id + '\x1f' + name + '\x1e';
    return f;
  }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(municipal_, db.Prepare(R"(
INSERT OR REPLACE INTO municipal_vaccines (owner, vaccine, contract_type, amount, start_date,
  end_date, sex, age_min, age_max, contractors)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10))"));
    SHUGO_ASSIGN_OR_RETURN(
        unit_,
        db.Prepare(
            "INSERT OR REPLACE INTO setting_units (owner, switch_date, unit) VALUES (?1, ?2, ?3)"));
    SHUGO_ASSIGN_OR_RETURN(contract_, db.Prepare(R"(
INSERT OR REPLACE INTO institution_contracts (owner, contract_type, municipality, start_date,
  end_date) VALUES (?1, ?2, ?3, ?4, ?5))"));
    SHUGO_ASSIGN_OR_RETURN(handled_, db.Prepare(R"(
INSERT OR REPLACE INTO institution_vaccines (owner, vaccine, contract_type, cost, start_date,
  end_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6))"));
    SHUGO_ASSIGN_OR_RETURN(
        floor_, db.Prepare("INSERT OR REPLACE INTO fee_floors (owner, floor) VALUES (?1, ?2)"));
    SHUGO_ASSIGN_OR_RETURN(campaign_, db.Prepare(R"(
INSERT OR REPLACE INTO campaigns (id, name, declared_by, start_date, implementer, national,
  prefectures, application_deadline, approval_deadline, end_date, ended, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))"));
    SHUGO_ASSIGN_OR_RETURN(delete_campaign_fees_,
                           db.Prepare("DELETE FROM campaign_fees WHERE campaign = ?1"));
    SHUGO_ASSIGN_OR_RETURN(campaign_fee_,
                           db.Prepare("INSERT INTO campaign_fees (campaign, municipality, vaccine, "
                                      "yen) VALUES (?1, ?2, ?3, ?4)"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const EventMeta& m : batch.events) {
      SHUGO_RETURN_IF_ERROR(std::visit([&](const auto& e) { return WriteEvent(e); }, m.event));
    }
    for (const core::Campaign& c : batch.campaigns) SHUGO_RETURN_IF_ERROR(WriteCampaign(c));
    return Status::Ok();
  }

 private:
  template <typename E>
  Status WriteEvent(const E&) {
    return Status::Ok();
  }
  Status WriteEvent(const core::MunicipalVaccineSet& e) {
    return municipal_.Bind(1, static_cast<int64_t>(e.owner))
        .Bind(2, e.vaccine)
        .Bind(3, core::CodeName(e.contract_type))
        .Bind(4, e.amount)
        .Bind(5, e.start)
        .Bind(6, e.end)
        .Bind(7, core::CodeName(e.sex))
        .Bind(8, e.age_min)
        .Bind(9, e.age_max)
        .Bind(10, core::CodeName(e.contractors))
        .Run();
  }
  Status WriteEvent(const core::VaccineSettingUnitSet& e) {
    return unit_.Bind(1, static_cast<int64_t>(e.owner))
        .Bind(2, e.switch_date)
        .Bind(3, core::CodeName(e.unit))
        .Run();
  }
  Status WriteEvent(const core::InstitutionContractSet& e) {
    return contract_.Bind(1, static_cast<int64_t>(e.owner))
        .Bind(2, core::CodeName(e.contract_type))
        .Bind(3, static_cast<int64_t>(e.municipality))
        .Bind(4, e.start)
        .Bind(5, e.end)
        .Run();
  }
  Status WriteEvent(const core::InstitutionVaccineSet& e) {
    return handled_.Bind(1, static_cast<int64_t>(e.owner))
        .Bind(2, e.vaccine)
        .Bind(3, core::CodeName(e.contract_type))
        .Bind(4, e.cost)
        .Bind(5, e.start)
        .Bind(6, e.end)
        .Run();
  }
  Status WriteEvent(const core::FeeFloorSet& e) {
    return floor_.Bind(1, static_cast<int64_t>(e.owner)).Bind(2, e.floor).Run();
  }
  Status WriteCampaign(const core::Campaign& c) {
    std::string prefectures;
    for (int p : c.prefectures) {
      if (!prefectures.empty()) prefectures += ',';
      prefectures += std::to_string(p);
    }
    const auto id = static_cast<int64_t>(c.id);
    SHUGO_RETURN_IF_ERROR(campaign_.Bind(1, id)
                              .Bind(2, c.name)
                              .Bind(3, static_cast<int64_t>(c.declared_by))
                              .Bind(4, c.start_date)
                              .Bind(5, core::CodeName(c.implementer))
                              .Bind(6, int64_t{c.national})
                              .Bind(7, prefectures)
                              .Bind(8, c.application_deadline)
                              .Bind(9, c.approval_deadline)
                              .Bind(10, c.end_date)
                              .Bind(11, int64_t{c.ended})
                              .Bind(12, static_cast<int64_t>(c.version))
                              .Run());
    SHUGO_RETURN_IF_ERROR(delete_campaign_fees_.Bind(1, id).Run());
    for (const auto& [vaccine, yen] : c.fees) {
      SHUGO_RETURN_IF_ERROR(
          campaign_fee_.Bind(1, id).Bind(2, int64_t{0}).Bind(3, vaccine).Bind(4, yen).Run());
    }
    for (const auto& [municipality, fees] : c.additional_fees) {
      for (const auto& [vaccine, yen] : fees) {
        SHUGO_RETURN_IF_ERROR(campaign_fee_.Bind(1, id)
                                  .Bind(2, static_cast<int64_t>(municipality))
                                  .Bind(3, vaccine)
                                  .Bind(4, yen)
                                  .Run());
      }
    }
    return Status::Ok();
  }

  std::shared_ptr<const core::VaccineCatalog> catalog_;
  Statement municipal_, unit_, contract_, handled_, floor_, campaign_, delete_campaign_fees_,
      campaign_fee_;
};

// ---- public search (F-21)

class PublicSearch final : public Projection {
 public:
  bool Deferrable() const override { return true; }
  std::string_view name() const override { return "public_search"; }
  std::string schema() const override { return std::string(schemas::k_public_search_sql); }
  std::vector<std::string> tables() const override { return {"public_institutions"}; }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(upsert_, db.Prepare(R"(
INSERT OR REPLACE INTO public_institutions (org, code, name, kana, address, prefecture,
  municipality, phone, digital_questionnaire, routine, voluntary_consignment, voluntary_subsidy,
  temporary, search_text)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?8, ?9, ?10, ?11, ?12))"));
    SHUGO_ASSIGN_OR_RETURN(delete_, db.Prepare("DELETE FROM public_institutions WHERE org = ?1"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const PublicRow& row : batch.public_rows) {
      const core::Organisation& o = row.org;
      if (!row.listed) {
        SHUGO_RETURN_IF_ERROR(delete_.Bind(1, static_cast<int64_t>(o.id)).Run());
        continue;
      }
      SHUGO_RETURN_IF_ERROR(upsert_.Bind(1, static_cast<int64_t>(o.id))
                                .Bind(2, o.code)
                                .Bind(3, o.name)
                                .Bind(4, o.kana)
                                .Bind(5, o.address)
                                .Bind(6, int64_t{o.prefecture})
                                .Bind(7, NonZero(o.municipality))
                                .Bind(8, int64_t{row.in_force[0]})
                                .Bind(9, int64_t{row.in_force[1]})
                                .Bind(10, int64_t{row.in_force[2]})
                                .Bind(11, int64_t{row.in_force[3]})
                                .Bind(12, SearchText(o.name + " " + o.kana))
                                .Run());
    }
    return Status::Ok();
  }

 private:
  Statement upsert_, delete_;
};

// ---- history

std::pair<std::string_view, int64_t> EntityOf(std::string_view stream) {
  struct Prefix {
    std::string_view prefix, entity;
  };
  static constexpr Prefix kPrefixes[] = {{"letter-", "letter"},
                                         {"org-", "organisation"},
                                         {"fees-", "organisation"},
                                         {"campaign-", "campaign"},
                                         {"registration-", "registration"},
                                         {"user-", "user"},
                                         {"termination-request-", "termination_request"}};
  for (const Prefix& p : kPrefixes) {
    if (stream.starts_with(p.prefix)) {
      int64_t id = 0;
      for (char c : stream.substr(p.prefix.size())) {
        if (c < '0' || c > '9') return {p.entity, 0};
        id = id * 10 + (c - '0');
      }
      return {p.entity, id};
    }
  }
  if (stream == "day") return {"day", 0};
  if (stream == "contract") return {"contract", 0};
  return {"master", 0};
}

json::value Changes(const std::vector<core::FieldChange>& changes) {
  json::array a;
  for (const core::FieldChange& c : changes) {
    a.push_back(json::object{{"field", c.field}, {"before", c.before}, {"after", c.after}});
  }
  return a;
}

std::string DateText(const std::optional<JapanDate>& d) { return d ? d->ToString() : ""; }

// What changed, for a detail screen: the event's own fields, in the code names of the API.
struct Describe {
  json::object& o;
  void operator()(const core::OrganisationRegistered& e) const {
    o["kind"] = core::CodeName(e.kind);
    o["code"] = e.code;
    o["name"] = e.name;
  }
  void operator()(const core::OrganisationChanged& e) const { o["changes"] = Changes(e.changes); }
  void operator()(const core::OrganisationDated& e) const {
    o["kind"] = core::CodeName(e.kind);
    o["date"] = e.date.ToString();
    if (e.other) o["other"] = e.other;
  }
  void operator()(const core::LetterApplied& e) const {
    o["delegator"] = e.delegator;
    o["delegate"] = e.delegate;
    o["contract_type"] = core::CodeName(e.contract_type);
    if (e.campaign) o["campaign"] = e.campaign;
  }
  void operator()(const core::RedelegationCreated& e) const {
    o["delegator"] = e.delegator;
    o["delegate"] = e.delegate;
    o["contract_type"] = core::CodeName(e.contract_type);
    o["under"] = e.under;
    o["contract_date"] = e.contract_date.ToString();
  }
  void operator()(const core::LetterTransitioned& e) const {
    o["command"] = core::CodeName(e.command);
    if (e.contract_date) o["contract_date"] = e.contract_date->ToString();
    if (e.date) o["date"] = e.date->ToString();
    if (e.upper) o["upper"] = e.upper;
  }
  void operator()(const core::DayClosed& e) const { o["date"] = e.date.ToString(); }
  void operator()(const core::EligibilityMasterImported& e) const {
    o["rows"] = e.rows.size();
    o["removed"] = e.removed.size();
  }
  void operator()(const core::CodeChangeRequested& e) const {
    o["change"] = core::CodeName(e.change);
    o["new_code"] = e.new_code;
    o["approver"] = e.approver;
  }
  void operator()(const core::CodeChangeDecided& e) const {
    o["approved"] = e.approved;
    o["code"] = e.code;
    if (e.survivor) o["survivor"] = e.survivor;
  }
  void operator()(const core::LetterRekeyed& e) const {
    o["delegator"] = e.delegator;
    o["code"] = e.code;
    o["old_code"] = e.old_code;
  }
  void operator()(const core::CollectiveContractSigned& e) const { o["date"] = e.date.ToString(); }
  void operator()(const core::CampaignDeclared& e) const {
    o["name"] = e.name;
    o["start_date"] = e.start_date.ToString();
  }
  void operator()(const core::CampaignFeesChanged& e) const {
    o["municipality"] = e.municipality;
    json::array a;
    for (const core::VaccineFeeChange& c : e.changes) {
      json::object x{{"vaccine", c.vaccine}};
      if (c.before) x["before"] = *c.before;
      if (c.after) x["after"] = *c.after;
      a.push_back(std::move(x));
    }
    o["changes"] = std::move(a);
  }
  void operator()(const core::CampaignEndRegistered& e) const {
    o["end_date"] = e.end_date.ToString();
  }
  void operator()(const core::CampaignEnded& e) const { o["date"] = e.date.ToString(); }
  void operator()(const core::MunicipalVaccineSet& e) const {
    o["vaccine"] = e.vaccine;
    o["contract_type"] = core::CodeName(e.contract_type);
    o["amount"] = e.amount;
    o["start"] = e.start.ToString();
    o["end"] = DateText(e.end);
    if (!e.changes.empty()) o["changes"] = Changes(e.changes);
    if (!e.cause.empty()) o["cause"] = e.cause;
  }
  void operator()(const core::VaccineSettingUnitSet& e) const {
    o["unit"] = core::CodeName(e.unit);
    o["switch_date"] = e.switch_date.ToString();
  }
  void operator()(const core::InstitutionContractSet& e) const {
    o["contract_type"] = core::CodeName(e.contract_type);
    o["municipality"] = e.municipality;
    o["start"] = e.start.ToString();
    o["end"] = DateText(e.end);
    if (!e.cause.empty()) o["cause"] = e.cause;
  }
  void operator()(const core::InstitutionVaccineSet& e) const {
    o["vaccine"] = e.vaccine;
    o["contract_type"] = core::CodeName(e.contract_type);
    if (e.cost) o["cost"] = *e.cost;
    o["start"] = e.start.ToString();
    o["end"] = DateText(e.end);
  }
  void operator()(const core::FeeFloorSet& e) const {
    if (e.floor) o["floor"] = *e.floor;
  }
  void operator()(const core::NonInsuredLinkIssued& e) const {
    o["issuer"] = e.issuer;
    o["expires"] = e.expires.ToString();
  }
  void operator()(const core::NonInsuredRegistrationSubmitted& e) const {
    o["name"] = e.name;
    o["site_kind"] = e.site_kind;
  }
  void operator()(const core::NonInsuredRegistrationDecided& e) const {
    o["approved"] = e.approved;
    if (e.org) o["org"] = e.org;
  }
  void operator()(const core::TerminationRequested& e) const {
    o["institution"] = e.institution;
    o["requester"] = e.requester;
    o["addressee"] = e.addressee;
    if (e.date) o["date"] = e.date->ToString();
    json::array types;
    for (core::ContractType t : e.contract_types) types.emplace_back(core::CodeName(t));
    o["contract_types"] = std::move(types);
  }
  void operator()(const core::TerminationRequestDecided& e) const {
    o["outcome"] = core::CodeName(e.outcome);
    if (e.date) o["date"] = e.date->ToString();
    json::array letters;
    for (core::LetterId l : e.letters) letters.emplace_back(l);
    o["letters"] = std::move(letters);
  }
  void operator()(const core::UserRecorded& e) const {  // names of fields only (invariant 11)
    o["change"] = core::CodeName(e.change);
    o["org"] = e.org;
    o["role"] = e.role;
    json::array fields;
    for (const std::string& f : e.fields) fields.emplace_back(f);
    o["fields"] = std::move(fields);
  }
};

std::string_view ReasonOf(const core::DomainEvent& event) {
  return std::visit(
      [](const auto& e) -> std::string_view {
        if constexpr (requires { e.reason; }) {
          return e.reason;
        } else {
          return {};
        }
      },
      event);
}

class History final : public Projection {
 public:
  std::string_view name() const override { return "history"; }
  std::string schema() const override { return std::string(schemas::k_history_sql); }
  std::vector<std::string> tables() const override { return {"history"}; }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(insert_, db.Prepare(R"(
INSERT INTO history (position, entity, entity_id, version, type, recorded_at, effective_date,
  actor_user, actor_org, command_id, status, reason, detail)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const EventMeta& m : batch.events) {
      const auto [entity, id] = EntityOf(m.stream);
      json::object detail;
      std::visit(Describe{detail}, m.event);
      Statement& st = insert_;
      st.Bind(1, static_cast<int64_t>(m.position))
          .Bind(2, entity)
          .Bind(3, id)
          .Bind(4, static_cast<int64_t>(m.version))
          .Bind(5, core::EventTypeName(m.event))
          .Bind(6, m.recorded_at);
      if (m.effective) {
        Result<JapanDate> d = JapanDate::FromYyyymmdd(m.effective);
        if (d.ok()) st.Bind(7, *d);
      }
      st.Bind(8, m.actor_user).Bind(9, m.actor_org).Bind(10, m.command_id);
      if (const auto* t = std::get_if<core::LetterTransitioned>(&m.event)) {
        st.Bind(11, core::CodeName(t->status));
      } else if (std::holds_alternative<core::LetterApplied>(m.event)) {
        st.Bind(11, core::CodeName(core::LetterStatus::kApplied));
      } else if (std::holds_alternative<core::RedelegationCreated>(m.event)) {
        st.Bind(11, core::CodeName(core::LetterStatus::kApproved));
      }
      if (std::string_view reason = ReasonOf(m.event); !reason.empty()) st.Bind(12, reason);
      st.Bind(13, json::serialize(detail));
      SHUGO_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  }

 private:
  Statement insert_;
};

// ---- feeds and the notification outbox (filled by the feeds and notifications issues)

class Feeds final : public Projection {
 public:
  std::string_view name() const override { return "feeds"; }
  std::string schema() const override {
    std::string sql(schemas::k_feeds_sql);
    std::string indexes;
    for (const FeedInfo& f : Feeds31()) {
      sql += "CREATE TABLE " + std::string(f.table) +
             " (\n  position INTEGER NOT NULL,\n  entity_id INTEGER NOT NULL,\n"
             "  business_date TEXT,\n  record TEXT NOT NULL,\n"
             "  PRIMARY KEY (position, entity_id)\n) WITHOUT ROWID;\n";
    }
    return sql;
  }
  std::vector<std::string> tables() const override {
    std::vector<std::string> t{"feed_days", "notification_outbox"};
    for (const FeedInfo& f : Feeds31()) t.emplace_back(f.table);
    return t;
  }
  Status Prepare(Database& db) override {
    SHUGO_ASSIGN_OR_RETURN(
        day_,
        db.Prepare("INSERT OR REPLACE INTO feed_days (business_date, position) VALUES (?1, ?2)"));
    return Status::Ok();
  }
  Status Write(const Batch& batch) override {
    for (const EventMeta& m : batch.events) {
      if (const auto* d = std::get_if<core::DayClosed>(&m.event)) {
        SHUGO_RETURN_IF_ERROR(
            day_.Bind(1, d->date).Bind(2, static_cast<int64_t>(m.position)).Run());
      }
    }
    return Status::Ok();
  }

 private:
  Statement day_;
};

}  // namespace

std::vector<std::unique_ptr<Projection>> MakeProjections(
    std::shared_ptr<const core::VaccineCatalog> catalog) {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<Organisations>());
  p.push_back(std::make_unique<Letters>());
  p.push_back(std::make_unique<Fees>(std::move(catalog)));
  p.push_back(std::make_unique<PublicSearch>());
  p.push_back(std::make_unique<History>());
  p.push_back(std::make_unique<Feeds>());
  return p;
}

std::vector<std::string> ProjectionNames() {
  std::vector<std::string> names;
  for (const auto& p : MakeProjections(nullptr)) names.emplace_back(p->name());
  return names;
}

std::pair<std::string_view, std::string_view> SplitSchema(std::string_view schema) {
  constexpr std::string_view kMarker = "-- @indexes";
  const size_t at = schema.find(kMarker);
  if (at == std::string_view::npos) return {schema, {}};
  return {schema.substr(0, at), schema.substr(at + kMarker.size())};
}

}  // namespace shugo::projections::internal
