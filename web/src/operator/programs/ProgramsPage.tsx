import { type FormEvent, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../../api/idempotency.js';
import type { NewProgram, Program } from '../../api/types.js';
import { usePaged } from '../../api/use-paged.js';
import { useSubmit } from '../../api/use-submit.js';
import { addDays, parsePercentToBp, parseWon, seoulInstant, seoulParts } from '../../i18n/format.js';
import { localName, useLanguage } from '../../i18n/i18n.js';
import { type Reference, useReference } from '../../reference/use-reference.js';
import { Button } from '../../ui/Button.js';
import { CheckboxField, TextField } from '../../ui/Field.js';
import { useFieldErrors } from '../../ui/field-errors.js';
import { useFormat } from '../../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Badge, DataName, Page } from '../../ui/Page.js';
import { PagedList } from '../../ui/PagedList.js';
import {
  PROGRAM_NAME_LENGTH_MAX,
  type ProgramErrors,
  type ProgramProblem,
  validateProgram,
} from './program-draft.js';

const PAGE_SIZE = 20;
export const PHASE_TONE = { scheduled: 'info', open: 'good', expired: 'neutral' } as const;

function ProgramTable({ programs }: { programs: Program[] }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('operator.programs.name')}</th>
            <th scope="col">{t('operator.programs.phase')}</th>
            <th scope="col" className="number">
              {t('operator.programs.budget')}
            </th>
            <th scope="col" className="number">
              {t('operator.programs.disbursed')}
            </th>
            <th scope="col">{t('operator.programs.disbursement')}</th>
          </tr>
        </thead>
        <tbody>
          {programs.map((program) => (
            <tr key={program.id}>
              <th scope="row">
                <Link to={program.id}>
                  <DataName>{program.name}</DataName>
                </Link>
              </th>
              <td>
                <Badge tone={PHASE_TONE[program.phase]}>
                  {t(`operator.programs.phases.${program.phase}`)}
                </Badge>
              </td>
              <td className="number">{format.won(program.budgetWon)}</td>
              <td className="number">{format.won(program.disbursement.disbursedWon)}</td>
              <td>{t(`operator.programs.disbursementStatus.${program.disbursement.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface ProgramForm {
  name: string;
  budget: string;
  nationalShare: string;
  recipientAmount: string;
  recipientAmountMax: string;
  firstDay: string;
  lastDay: string;
  industries: string[];
  districts: string[];
  requiresApplication: boolean;
}

function toggled(list: string[], item: string, on: boolean): string[] {
  return on ? [...list, item] : list.filter((existing) => existing !== item);
}

function CodeChoices({
  legend,
  hint,
  items,
  chosen,
  onChosen,
}: {
  legend: string;
  hint: string;
  items: Array<{ code: string; nameKo: string; nameEn: string }>;
  chosen: string[];
  onChosen: (chosen: string[]) => void;
}) {
  const { language } = useLanguage();
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p className="field-hint">{hint}</p>
      <div className="choice-grid">
        {items.map((item) => (
          <CheckboxField
            key={item.code}
            label={localName(item, language)}
            checked={chosen.includes(item.code)}
            onChecked={(on) => onChosen(toggled(chosen, item.code, on))}
          />
        ))}
      </div>
    </fieldset>
  );
}

function CreateProgram({ reference }: { reference: Reference | undefined }) {
  const { t } = useLanguage();
  const navigate = useNavigate();
  const today = seoulParts(new Date()).date;
  const [form, setForm] = useState<ProgramForm>({
    name: '',
    budget: '',
    nationalShare: '0',
    recipientAmount: '',
    recipientAmountMax: '',
    firstDay: today,
    lastDay: '',
    industries: [],
    districts: [],
    requiresApplication: false,
  });
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const create = useSubmit((body: NewProgram) =>
    sendIdempotent(keys.current, body, (idempotencyKey) =>
      call(
        api.POST('/v1/operator/programs', {
          body,
          params: { header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    ),
  );
  const set =
    <Key extends keyof ProgramForm>(key: Key) =>
    (value: ProgramForm[Key]) =>
      setForm((current) => ({ ...current, [key]: value }));
  const problems = validateProgram(form, today);
  const problemText = (problem: ProgramProblem | null): string | null => {
    if (!problem) return null;
    return problem === 'required' ||
      problem === 'amount' ||
      problem === 'percent' ||
      problem === 'periodOrder'
      ? t(`validation.${problem}`)
      : t(`operator.programs.draftProblems.${problem}`);
  };
  const shown = useFieldErrors(
    Object.fromEntries(
      Object.entries(problems).map(([field, problem]) => [field, problemText(problem)]),
    ) as Record<keyof ProgramErrors, string | null>,
    showErrors,
    create.error,
  );

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    const budgetWon = parseWon(form.budget);
    const shareBp = parsePercentToBp(form.nationalShare);
    if (Object.values(problems).some(Boolean) || budgetWon === null || shareBp === null) return;
    const amountWon = parseWon(form.recipientAmount);
    const amountMaxWon = parseWon(form.recipientAmountMax);
    const created = await create.submit({
      name: form.name.trim(),
      budgetWon,
      nationalShareBp: shareBp,
      ...(amountWon ? { recipientAmountWon: amountWon } : {}),
      ...(amountMaxWon ? { recipientAmountMaxWon: amountMaxWon } : {}),
      usableFrom: seoulInstant(form.firstDay),
      expiresAt: seoulInstant(addDays(form.lastDay, 1)),
      allowedIndustries: form.industries,
      allowedDistricts: form.districts,
      requiresApplication: form.requiresApplication,
    });
    if (created) navigate(created.id);
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="create-program-title">
      <h2 id="create-program-title">{t('operator.programs.create')}</h2>
      <div className="inline-form">
        <TextField
          label={t('operator.programs.name')}
          value={form.name}
          onValue={set('name')}
          maxLength={PROGRAM_NAME_LENGTH_MAX}
          error={shown.name}
        />
        <TextField
          label={t('operator.programs.budgetWon')}
          value={form.budget}
          onValue={set('budget')}
          inputMode="numeric"
          error={shown.budgetWon}
        />
        <TextField
          label={t('operator.programs.nationalShare')}
          value={form.nationalShare}
          onValue={set('nationalShare')}
          inputMode="decimal"
          error={shown.nationalShareBp}
        />
        <TextField
          label={t('operator.programs.recipientAmount')}
          hint={t('operator.programs.recipientAmountHint')}
          value={form.recipientAmount}
          onValue={set('recipientAmount')}
          inputMode="numeric"
          optional
          error={shown.recipientAmountWon}
        />
        <TextField
          label={t('operator.programs.recipientAmountMax')}
          value={form.recipientAmountMax}
          onValue={set('recipientAmountMax')}
          inputMode="numeric"
          optional
          error={shown.recipientAmountMaxWon}
        />
        <TextField
          label={t('operator.programs.usableFrom')}
          type="date"
          value={form.firstDay}
          onValue={set('firstDay')}
          error={shown.usableFrom}
        />
        <TextField
          label={t('operator.programs.expiresOn')}
          type="date"
          value={form.lastDay}
          onValue={set('lastDay')}
          error={shown.expiresAt}
        />
      </div>
      <CodeChoices
        legend={t('operator.programs.districts')}
        hint={t('operator.programs.districtsHint')}
        items={reference?.districts ?? []}
        chosen={form.districts}
        onChosen={set('districts')}
      />
      <CodeChoices
        legend={t('operator.programs.industries')}
        hint={t('operator.programs.industriesHint')}
        items={(reference?.industries ?? []).filter((industry) => !industry.excluded)}
        chosen={form.industries}
        onChosen={set('industries')}
      />
      <CheckboxField
        label={t('operator.programs.requiresApplication')}
        checked={form.requiresApplication}
        onChecked={set('requiresApplication')}
      />
      {create.status === 'failed' && <ErrorNotice error={create.error} fields={Object.keys(shown)} />}
      {create.status === 'succeeded' && (
        <Notice tone="success">{t('operator.programs.created', { name: create.result.name })}</Notice>
      )}
      <Button type="submit" busy={create.busy} busyLabel={t('operator.programs.creating')}>
        {t('operator.programs.create')}
      </Button>
    </form>
  );
}

/** Policy programmes (정책발행): the list, and a form to create one. */
export function ProgramsPage() {
  const { t } = useLanguage();
  const reference = useReference();
  const programs = usePaged('programs', (cursor, signal) =>
    call(
      api.GET('/v1/operator/programs', {
        signal,
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  return (
    <Page title={t('operator.programs.title')} intro={t('operator.programs.intro')} wide>
      <section className="card" aria-labelledby="programs-title">
        <h2 id="programs-title">{t('operator.programs.list')}</h2>
        <PagedList paged={programs} empty={t('operator.programs.empty')}>
          {(items) => <ProgramTable programs={items} />}
        </PagedList>
      </section>
      <CreateProgram reference={reference.data} />
    </Page>
  );
}
